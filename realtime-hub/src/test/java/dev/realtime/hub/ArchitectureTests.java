package dev.realtime.hub;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

import dev.realtime.test.ArchitectureRules;

/**
 * The hub module's rules, checked on its compiled main classes. The hub is the server
 * side of the protocol: of the project it may use the protocol module only, never the
 * client or its features (the client's library is on the test classpath only, for tests
 * that drive the hub with it). No constructor takes more than eight parameters, the
 * client's rule (its self-test is in the client's {@code ArchitectureTests}).
 */
class ArchitectureTests {

	private static final JavaClasses HUB = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime.hub");

	@Test
	void hubDependsOnTheProtocolOnly() {
		ArchRuleDefinition.noClasses()
			.should()
			.dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.realtime..")
				.and(JavaClass.Predicates.resideInAnyPackage("dev.realtime.protocol..", "dev.realtime.hub..").negate()))
			.check(HUB);
	}

	@Test
	void noConstructorTakesMoreThanEightParameters() {
		ArchitectureRules.MAX_EIGHT_CONSTRUCTOR_PARAMETERS.check(HUB);
	}

}
