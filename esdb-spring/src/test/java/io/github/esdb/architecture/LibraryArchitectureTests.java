package io.github.esdb.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library's structure, checked on its compiled classes: no package cycles, no Spring Boot, the template
 * independent of the subscription engine, and the container implementations used only through their interfaces.
 */
@AnalyzeClasses(packages = "io.github.esdb",
		importOptions = { ImportOption.DoNotIncludeTests.class, LibraryArchitectureTests.LibraryOnly.class })
class LibraryArchitectureTests {

	@ArchTest
	static final ArchRule packagesAreFreeOfCycles = slices().matching("io.github.esdb.(**)")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule noSpringBoot = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.boot..");

	@ArchTest
	static final ArchRule templateDoesNotKnowSubscriptions = noClasses().that()
		.resideInAPackage("io.github.esdb.core..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.github.esdb.subscription..");

	@ArchTest
	static final ArchRule containerImplementationsStayInternal = noClasses().that()
		.resideOutsideOfPackage("io.github.esdb.subscription.container..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("io.github.esdb.subscription.container..");

	/** Only this module's classes: the embedded server on the test class path is not the library. */
	static final class LibraryOnly implements ImportOption {

		@Override
		public boolean includes(com.tngtech.archunit.core.importer.Location location) {
			return !location.contains("esdb-embedded-server");
		}

	}

}
