package dev.realtime.autoconfigure;

import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.io.ResourceLoader;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypesScanner;

/**
 * Adds the library's entities to Boot's {@link PersistenceManagedTypes}, whatever
 * packages the application scans: an application's own {@code @EntityScan} replaces the
 * auto-configuration packages, so registering ours there would not be enough.
 */
final class RealtimeManagedTypesPostProcessor implements BeanPostProcessor {

	/** The packages of the library's entities. */
	static final String[] ENTITY_PACKAGES = { "dev.realtime.outbox", "dev.realtime.inbox", "dev.realtime.receipts" };

	private final ResourceLoader resourceLoader;

	RealtimeManagedTypesPostProcessor(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof PersistenceManagedTypes) {
			return withLibraryTypes((PersistenceManagedTypes) bean);
		}
		return bean;
	}

	private PersistenceManagedTypes withLibraryTypes(PersistenceManagedTypes application) {
		PersistenceManagedTypes library = new PersistenceManagedTypesScanner(this.resourceLoader).scan(ENTITY_PACKAGES);
		Set<String> classNames = new LinkedHashSet<>(application.getManagedClassNames());
		classNames.addAll(library.getManagedClassNames());
		Set<String> packages = new LinkedHashSet<>(application.getManagedPackages());
		packages.addAll(library.getManagedPackages());
		return new Merged(new ArrayList<>(classNames), new ArrayList<>(packages),
				application.getPersistenceUnitRootUrl());
	}

	private record Merged(List<String> getManagedClassNames, List<String> getManagedPackages,
			@Nullable URL getPersistenceUnitRootUrl) implements PersistenceManagedTypes {

	}

}
