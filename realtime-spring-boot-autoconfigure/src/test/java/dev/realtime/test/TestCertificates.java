package dev.realtime.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private certificate authority made for a test with the JDK's {@code keytool}: it
 * signs server and client certificates into PKCS#12 key stores and exports a trust store
 * holding only its own certificate. Nothing in it is trusted by the JVM by default.
 */
public final class TestCertificates {

	/** Password of every store this class writes. */
	public static final String PASSWORD = "changeit";

	private final Path directory;

	private final Path ca;

	private TestCertificates(Path directory) {
		this.directory = directory;
		this.ca = directory.resolve("ca.p12");
		keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=Realtime Test CA", "-ext", "bc:c", "-validity", "2", "-keystore", this.ca.toString());
		keytool("-exportcert", "-rfc", "-alias", "ca", "-file", file("ca.crt").toString(), "-keystore",
				this.ca.toString());
	}

	/**
	 * Create a new authority in the given directory.
	 * @param directory where the stores go, for example a JUnit temporary directory
	 * @return the authority
	 */
	public static TestCertificates createAuthority(Path directory) {
		return new TestCertificates(directory);
	}

	/**
	 * Return a trust store (PKCS#12) holding only this authority's certificate.
	 * @return the file
	 */
	public Path trustStore() {
		Path trust = file("trust.p12");
		if (!Files.exists(trust)) {
			keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt").toString(), "-keystore",
					trust.toString());
		}
		return trust;
	}

	/**
	 * Issue a key and certificate signed by this authority, stored with its chain under
	 * the alias {@code name} in a new key store (PKCS#12).
	 * @param name the alias and file name
	 * @param subjectAlternativeNames for example {@code dns:localhost,ip:127.0.0.1}
	 * @return the key store
	 */
	public Path issue(String name, String subjectAlternativeNames) {
		Path store = file(name + ".p12");
		Path request = file(name + ".csr");
		Path certificate = file(name + ".crt");
		keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
				"-validity", "2", "-keystore", store.toString());
		keytool("-certreq", "-alias", name, "-file", request.toString(), "-keystore", store.toString());
		keytool("-gencert", "-rfc", "-alias", "ca", "-infile", request.toString(), "-outfile", certificate.toString(),
				"-ext", "SAN=" + subjectAlternativeNames, "-validity", "2", "-keystore", this.ca.toString());
		keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt").toString(), "-keystore",
				store.toString());
		keytool("-importcert", "-alias", name, "-file", certificate.toString(), "-keystore", store.toString());
		return store;
	}

	private Path file(String name) {
		return this.directory.resolve(name);
	}

	private static void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run keytool", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running keytool", ex);
		}
	}

}
