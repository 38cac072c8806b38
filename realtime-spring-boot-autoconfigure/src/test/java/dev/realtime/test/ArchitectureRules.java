package dev.realtime.test;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

/**
 * Architecture rules that the client's and the hub's {@code ArchitectureTests} both check
 * on their own main classes (the hub's tests have this module's test classes).
 */
public final class ArchitectureRules {

	/** Most parameters a constructor may take. */
	public static final int MAX_CONSTRUCTOR_PARAMETERS = 8;

	/**
	 * A constructor over eight parameters is a class with too many jobs, or collaborators
	 * that belong together in a record or port with a name. Records and enums are exempt:
	 * their parameters are their values, named by their components.
	 */
	public static final ArchRule MAX_EIGHT_CONSTRUCTOR_PARAMETERS = ArchRuleDefinition.constructors()
		.that()
		.areDeclaredInClassesThat(DescribedPredicate.describe("are neither records nor enums",
				(JavaClass owner) -> !owner.isRecord() && !owner.isEnum()))
		.should()
		.haveRawParameterTypes(DescribedPredicate.describe("at most " + MAX_CONSTRUCTOR_PARAMETERS + " parameters",
				(List<JavaClass> types) -> types.size() <= MAX_CONSTRUCTOR_PARAMETERS));

	private ArchitectureRules() {
	}

}
