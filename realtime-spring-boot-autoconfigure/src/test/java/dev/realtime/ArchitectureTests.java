package dev.realtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Configuration;

import dev.realtime.test.ArchitectureRules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The library's package rules, checked on its compiled main classes: data flows one way
 * (the wire protocol's own rules are in its module), the client never uses the hub (and
 * the hub module's own {@code ArchitectureTests} keeps the hub off the client), only the
 * auto-configuration knows the auto-configuration and holds nothing but configuration,
 * health and the endpoint live in {@code dev.realtime.actuate}, and the client's
 * implementation stays behind its API and SPI. One source-tree rule keeps every main
 * class of the client, protocol and hub modules under {@value #MAX_LINES} lines.
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime");

	/** Longest a main class may be. */
	private static final int MAX_LINES = 500;

	/**
	 * The modules whose main classes {@link #noMainClassIsOverTheLineLimit()} counts. Not
	 * counted: {@code benchmarks} (its raw baselines are written out longhand on
	 * purpose), {@code demo-app} and {@code samples}.
	 */
	private static final Set<String> MODULES_UNDER_THE_LINE_LIMIT = Set.of("realtime-protocol",
			"realtime-spring-boot-autoconfigure", "realtime-hub", "realtime-hub-server");

	/**
	 * What may live in {@code dev.realtime.autoconfigure}: configuration classes,
	 * configuration properties and their groups, connection details (as Boot keeps
	 * {@code JdbcConnectionDetails} beside its configuration), conditions, failure
	 * analyzers and the exceptions they explain, annotations, and package-private helpers
	 * of the configuration that implement nothing (they turn properties into settings and
	 * leave the running application nothing of their own).
	 */
	private static final DescribedPredicate<JavaClass> CONFIGURATION_ONLY = DescribedPredicate.describe(
			"configuration, properties, connection details, a condition, a failure analyzer or a "
					+ "package-private helper of the configuration",
			(type) -> type.isMetaAnnotatedWith(Configuration.class) || type.isAnnotatedWith(Configuration.class)
					|| type.isAnnotatedWith(ConfigurationProperties.class) || propertyGroup(type)
					|| type.isAssignableTo(ConnectionDetails.class) || type.isAssignableTo(Condition.class)
					|| type.isAssignableTo(FailureAnalyzer.class) || type.isAssignableTo(Throwable.class)
					|| type.isAnnotation() || configurationHelper(type));

	@Test
	void packagesAreFreeOfCycles() {
		SlicesRuleDefinition.slices().matching("dev.realtime.(**)").should().beFreeOfCycles().check(LIBRARY);
	}

	@Test
	void clientDependsOnNoHubClass() {
		ArchRuleDefinition.noClasses()
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.realtime.hub..")
			.check(LIBRARY);
	}

	@Test
	void onlyTheAutoConfigurationDependsOnTheAutoConfigurationPackage() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackage("dev.realtime.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.realtime.autoconfigure..")
			.check(LIBRARY);
	}

	@Test
	void clientApiAndSpiDoNotDependOnTheImplementation() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAnyPackage("dev.realtime.client", "dev.realtime.client.spi")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.realtime.client.internal..")
			.check(LIBRARY);
	}

	@Test
	void onlyTheAutoConfigurationAndTheClientFactoryDependOnTheClientImplementation() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideOutsideOfPackages("dev.realtime.client.internal..", "dev.realtime.autoconfigure..",
					"dev.realtime.users..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.realtime.client.internal..")
			.check(LIBRARY);
	}

	@Test
	void transportsDependOnTheClientSpiNotOnItsImplementationOrStores() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("dev.realtime.transport..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.realtime.client.internal..", "dev.realtime.autoconfigure..",
					"dev.realtime.outbox..", "dev.realtime.inbox..")
			.check(LIBRARY);
	}

	@Test
	void autoConfigurationsArePublicAndFinal() {
		ArchRuleDefinition.classes()
			.that()
			.areAnnotatedWith(AutoConfiguration.class)
			.should()
			.bePublic()
			.andShould()
			.haveModifier(JavaModifier.FINAL)
			.check(LIBRARY);
	}

	@Test
	void theAutoConfigurationPackageHoldsOnlyConfiguration() {
		ArchRuleDefinition.classes()
			.that()
			.resideInAPackage("dev.realtime.autoconfigure")
			.and()
			.areTopLevelClasses()
			.should(ArchConditions.be(CONFIGURATION_ONLY))
			.because("runtime code (clients, registries, health, endpoints) lives in its own packages")
			.check(LIBRARY);
	}

	@Test
	void healthIndicatorsAndEndpointsLiveInTheActuatePackage() {
		ArchRuleDefinition.classes()
			.that()
			.areAssignableTo("org.springframework.boot.health.contributor.HealthContributor")
			.or()
			.areMetaAnnotatedWith("org.springframework.boot.actuate.endpoint.annotation.Endpoint")
			.or()
			.areMetaAnnotatedWith("org.springframework.boot.actuate.endpoint.annotation.EndpointExtension")
			.should()
			.resideInAPackage("dev.realtime.actuate")
			.check(LIBRARY);
	}

	@Test
	void noMainClassIsOverTheLineLimit() throws IOException {
		Path root = Path.of("").toAbsolutePath().getParent();
		List<String> over = new ArrayList<>();
		for (String module : MODULES_UNDER_THE_LINE_LIMIT) {
			Path sources = root.resolve(module).resolve("src/main/java");
			assertThat(sources).as("main sources of " + module).isDirectory();
			try (Stream<Path> files = Files.walk(sources)) {
				for (Path file : files.filter((file) -> file.toString().endsWith(".java")).sorted().toList()) {
					String path = root.relativize(file).toString().replace('\\', '/');
					long lines;
					try (Stream<String> content = Files.lines(file)) {
						lines = content.count();
					}
					if (lines > MAX_LINES) {
						over.add(path + " (" + lines + " lines)");
					}
				}
			}
		}
		assertThat(over).as("main classes over " + MAX_LINES + " lines: split them by job").isEmpty();
	}

	/**
	 * Whether the class is a group of configuration properties: a
	 * {@code @NestedConfigurationProperty} of a {@code @ConfigurationProperties} class.
	 * @param type the class
	 * @return whether it is
	 */
	private static boolean propertyGroup(JavaClass type) {
		return type.getFieldsWithTypeOfSelf()
			.stream()
			.anyMatch((field) -> field.isAnnotatedWith(NestedConfigurationProperty.class)
					&& field.getOwner().isAnnotatedWith(ConfigurationProperties.class));
	}

	private static boolean configurationHelper(JavaClass type) {
		boolean plainSuperclass = type.getRawSuperclass()
			.map((superclass) -> superclass.isEquivalentTo(Object.class) || superclass.isEquivalentTo(Record.class))
			.orElse(true);
		return !type.getModifiers().contains(JavaModifier.PUBLIC) && type.getRawInterfaces().isEmpty()
				&& plainSuperclass;
	}

	@Test
	void noConstructorTakesMoreThanEightParameters() {
		ArchitectureRules.MAX_EIGHT_CONSTRUCTOR_PARAMETERS.check(LIBRARY);
	}

	@Test
	void constructorRuleFailsOnAConstructorOfNineParameters() {
		JavaClasses wide = new ClassFileImporter().importClasses(NineParameters.class);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ArchitectureRules.MAX_EIGHT_CONSTRUCTOR_PARAMETERS.check(wide))
			.withMessageContaining(NineParameters.class.getName());
	}

	@Test
	void clientSendAndReceivePathsRunOneWay() {
		// events enter knowing neither the relay nor the connection; the relay reaches
		// the
		// connection only through its port; the dispatcher is handed events and calls
		// back no one
		notBackwards("OutboundEvents", "OutboundRelay", "Connection", "ConnectionSupervisor", "DefaultRealtimeClient");
		notBackwards("OutboundRelay", "Connection", "ConnectionSupervisor", "DefaultRealtimeClient", "OutboundEvents");
		notBackwards("InboundDispatcher", "InboundSequencer", "Connection", "ConnectionSupervisor",
				"DefaultRealtimeClient");
		notBackwards("InboundSequencer", "ConnectionSupervisor", "DefaultRealtimeClient");
	}

	private static void notBackwards(String from, String... upstream) {
		String internal = "dev.realtime.client.internal.";
		ArchRuleDefinition.noClasses()
			.that()
			.haveFullyQualifiedName(internal + from)
			.should()
			.dependOnClassesThat(DescribedPredicate.describe("are upstream of " + from,
					(JavaClass target) -> List.of(upstream).contains(target.getSimpleName())
							&& target.getPackageName().equals(internal.substring(0, internal.length() - 1))))
			.check(LIBRARY);
	}

	/**
	 * What the constructor rule must reject.
	 */
	static final class NineParameters {

		NineParameters(int a, int b, int c, int d, int e, int f, int g, int h, int i) {
		}

	}

}
