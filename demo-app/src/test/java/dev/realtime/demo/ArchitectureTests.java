package dev.realtime.demo;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The demo's package rules, checked on its compiled main classes. The reference hub's
 * rules (the protocol package only, never the client) are in its module, realtime-hub.
 */
class ArchitectureTests {

	private static final JavaClasses DEMO = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime.demo");

	@Test
	void packagesAreFreeOfCycles() {
		SlicesRuleDefinition.slices().matching("dev.realtime.demo.(**)").should().beFreeOfCycles().check(DEMO);
	}

}
