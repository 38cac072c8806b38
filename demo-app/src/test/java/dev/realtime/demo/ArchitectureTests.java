package dev.realtime.demo;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The demo's package rules, checked on its compiled main classes. The reference hub is
 * the server side of the protocol: of the library it may use the protocol package only,
 * never the client or its features.
 */
class ArchitectureTests {

	private static final JavaClasses DEMO = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime.demo");

	@Test
	void packagesAreFreeOfCycles() {
		SlicesRuleDefinition.slices().matching("dev.realtime.demo.(**)").should().beFreeOfCycles().check(DEMO);
	}

	@Test
	void hubDependsOnTheLibraryProtocolOnly() {
		ArchRuleDefinition.noClasses()
			.that()
			.resideInAPackage("dev.realtime.demo.hub..")
			.should()
			.dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.realtime..")
				.and(JavaClass.Predicates.resideInAnyPackage("dev.realtime.protocol..", "dev.realtime.demo..")
					.negate()))
			.check(DEMO);
	}

}
