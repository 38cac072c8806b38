package dev.realtime.protocol;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import org.junit.jupiter.api.Test;

/**
 * The protocol module's rules, checked on its compiled main classes: the wire protocol
 * stands without Spring and without the client or the hub that share it.
 */
class ArchitectureTests {

	private static final JavaClasses PROTOCOL = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.realtime.protocol");

	@Test
	void protocolDependsOnNoSpringClass() {
		ArchRuleDefinition.noClasses()
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(PROTOCOL);
	}

	@Test
	void protocolDependsOnNoOtherPackageOfTheProject() {
		ArchRuleDefinition.noClasses()
			.should()
			.dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.realtime..")
				.and(JavaClass.Predicates.resideOutsideOfPackage("dev.realtime.protocol..")))
			.check(PROTOCOL);
	}

}
