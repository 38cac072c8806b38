package dev.realtime.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Finds the SSL bundle a property names ({@code realtime.ssl.bundle},
 * {@code realtime.auth.ssl-bundle}), a failure naming that property when it is not there.
 */
final class SslBundleLookup {

	private SslBundleLookup() {
	}

	/**
	 * Return the bundle of the given name.
	 * @param property the property that names it, for the failure
	 * @param name the bundle's name, or {@code null} when the property is not set
	 * @param sslBundles the application's SSL bundles, if configured
	 * @return the bundle, or {@code null} when none is named
	 */
	static @Nullable SslBundle find(String property, @Nullable String name, ObjectProvider<SslBundles> sslBundles) {
		if (name == null) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"no SSL bundles are configured (spring.ssl.bundle.*)");
		}
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(property, name, ex.getMessage());
		}
	}

}
