package dev.realtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

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
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.Configuration;
import org.w3c.dom.NodeList;

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
 * class of the root POM's modules, but the benchmarks, under {@value #MAX_LINES} lines.
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime");

	/** Longest a main class may be. */
	private static final int MAX_LINES = 500;

	/**
	 * Modules of the root POM whose main classes {@link #noMainClassIsOverTheLineLimit()}
	 * does not count: {@code benchmarks}, whose raw baselines are written out longhand on
	 * purpose, so that what they measure is visible. Every other module is counted, a new
	 * one included; modules without main sources (the starters, the cluster tests) have
	 * nothing to count.
	 */
	private static final Set<String> MODULES_NOT_COUNTED = Set.of("benchmarks");

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
	void noMainClassIsOverTheLineLimit() throws Exception {
		Path root = Path.of("").toAbsolutePath().getParent();
		assertThat(mainClassesOverTheLineLimit(root)).as("main classes over " + MAX_LINES + " lines: split them by job")
			.isEmpty();
	}

	@Test
	void lineRuleCountsEveryModuleOfTheRootPomButTheExcludedOnes(@TempDir Path root) throws Exception {
		Files.writeString(root.resolve("pom.xml"), "<project><modules><module>new-module</module>"
				+ "<module>benchmarks</module><module>no-sources</module></modules></project>");
		writeLines(root.resolve("new-module/src/main/java/dev/Long.java"), MAX_LINES + 1);
		writeLines(root.resolve("new-module/src/main/java/dev/AtTheLimit.java"), MAX_LINES);
		writeLines(root.resolve("benchmarks/src/main/java/dev/Baselines.java"), MAX_LINES + 1);
		Files.createDirectories(root.resolve("no-sources"));

		assertThat(mainClassesOverTheLineLimit(root))
			.containsExactly("new-module/src/main/java/dev/Long.java (" + (MAX_LINES + 1) + " lines)");
	}

	private static List<String> mainClassesOverTheLineLimit(Path root) throws Exception {
		List<String> over = new ArrayList<>();
		for (String module : modules(root.resolve("pom.xml"))) {
			assertThat(root.resolve(module)).as("module " + module + " of the root POM").isDirectory();
			Path sources = root.resolve(module).resolve("src/main/java");
			if (MODULES_NOT_COUNTED.contains(module) || !Files.isDirectory(sources)) {
				continue;
			}
			try (Stream<Path> files = Files.walk(sources)) {
				for (Path file : files.filter((file) -> file.toString().endsWith(".java")).sorted().toList()) {
					long lines;
					try (Stream<String> content = Files.lines(file)) {
						lines = content.count();
					}
					if (lines > MAX_LINES) {
						over.add(root.relativize(file).toString().replace('\\', '/') + " (" + lines + " lines)");
					}
				}
			}
		}
		return over;
	}

	/**
	 * Return the modules a POM lists, as paths relative to it.
	 * @param pom the POM
	 * @return the modules
	 */
	private static List<String> modules(Path pom) throws Exception {
		NodeList modules = DocumentBuilderFactory.newInstance()
			.newDocumentBuilder()
			.parse(pom.toFile())
			.getElementsByTagName("module");
		List<String> names = new ArrayList<>();
		for (int i = 0; i < modules.getLength(); i++) {
			names.add(modules.item(i).getTextContent().trim());
		}
		assertThat(names).as("modules of " + pom).isNotEmpty();
		return names;
	}

	private static void writeLines(Path file, int lines) throws IOException {
		Files.createDirectories(file.getParent());
		Files.writeString(file, "//\n".repeat(lines));
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
		// events enter knowing neither the relay nor the connection; the relay
		// reaches the connection only through its port; the dispatcher is handed
		// events and calls back no one
		checkOneWay(LIBRARY, internal("OutboundEvents"), internal("OutboundRelay"), internal("Connection"),
				internal("ConnectionSupervisor"), internal("DefaultRealtimeClient"));
		checkOneWay(LIBRARY, internal("OutboundRelay"), internal("Connection"), internal("ConnectionSupervisor"),
				internal("DefaultRealtimeClient"), internal("OutboundEvents"));
		checkOneWay(LIBRARY, internal("InboundDispatcher"), internal("InboundSequencer"), internal("Connection"),
				internal("ConnectionSupervisor"), internal("DefaultRealtimeClient"));
		checkOneWay(LIBRARY, internal("InboundSequencer"), internal("ConnectionSupervisor"),
				internal("DefaultRealtimeClient"));
	}

	@Test
	void oneWayRuleFailsOnADependencyFromANestedClass() throws ClassNotFoundException {
		JavaClasses fixture = new ClassFileImporter().importClasses(Upstream.class, Downstream.class,
				Class.forName(Downstream.class.getName() + "$1"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> checkOneWay(fixture, Downstream.class.getName(), Upstream.class.getName()))
			.withMessageContaining(Downstream.class.getName() + "$1")
			.withMessageContaining(Upstream.class.getName());
		checkOneWay(fixture, Upstream.class.getName(), Downstream.class.getName());
	}

	@Test
	void oneWayRuleFailsOnAClassThatDoesNotExist() {
		JavaClasses fixture = new ClassFileImporter().importClasses(Upstream.class, Downstream.class);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> checkOneWay(fixture, Downstream.class.getName(), internal("RenamedAway")))
			.withMessageContaining(internal("RenamedAway"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> checkOneWay(fixture, internal("RenamedAway"), Upstream.class.getName()))
			.withMessageContaining(internal("RenamedAway"));
	}

	private static String internal(String simpleName) {
		return "dev.realtime.client.internal." + simpleName;
	}

	/**
	 * Check that a class and the classes nested in it (anonymous and inner classes
	 * included) depend on none of the given upstream classes nor on classes nested in
	 * them. Every class named must exist, so that a renamed class fails here instead of
	 * leaving the rule with nothing to match.
	 * @param classes the classes to check
	 * @param from the downstream class, fully qualified
	 * @param upstream the classes it must not use, fully qualified
	 */
	private static void checkOneWay(JavaClasses classes, String from, String... upstream) {
		for (String name : Stream.concat(Stream.of(from), Stream.of(upstream)).toList()) {
			assertThat(classes.contain(name)).as("class " + name + " of the one-way rule exists").isTrue();
		}
		ArchRuleDefinition.noClasses()
			.that(classOrNestedIn(List.of(from)))
			.should()
			.dependOnClassesThat(classOrNestedIn(List.of(upstream)))
			.check(classes);
	}

	private static DescribedPredicate<JavaClass> classOrNestedIn(List<String> names) {
		return DescribedPredicate.describe("are " + names + " or nested in them", (JavaClass type) -> names.stream()
			.anyMatch((name) -> type.getName().equals(name) || type.getName().startsWith(name + "$")));
	}

	/**
	 * What the constructor rule must reject.
	 */
	static final class NineParameters {

		NineParameters(int a, int b, int c, int d, int e, int f, int g, int h, int i) {
		}

	}

	/**
	 * What the one-way rule's self-test must not let {@link Downstream} reach.
	 */
	static final class Upstream {

		void call() {
		}

	}

	/**
	 * Reaches {@link Upstream} from an anonymous class only, which a rule that names
	 * classes exactly lets through.
	 */
	static final class Downstream {

		Runnable task() {
			return new Runnable() {

				@Override
				public void run() {
					new Upstream().call();
				}

			};
		}

	}

}
