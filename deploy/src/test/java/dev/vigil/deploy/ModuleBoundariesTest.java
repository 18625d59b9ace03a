package dev.vigil.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Services talk only through topics: none may depend on another service, on the launcher, or on
 * the embedded broker (STYLE.md §1, enforced as Debezium and restic do).
 */
class ModuleBoundariesTest {
    private static final List<String> SERVICES =
            List.of("dev.vigil.collector", "dev.vigil.analyzer", "dev.vigil.decision", "dev.vigil.backup");
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vigil");

    @Test
    void shouldKeepEveryServiceIndependentOfTheOthers() {
        for (final String service : SERVICES) {
            for (final String other : SERVICES) {
                if (!other.equals(service)) {
                    noClasses().that().resideInAPackage(service + "..")
                            .should().dependOnClassesThat().resideInAPackage(other + "..")
                            .allowEmptyShould(true).check(CLASSES);
                }
            }
        }
    }

    @Test
    void shouldKeepServicesAndTheContractFreeOfTheLauncherAndTheEmbeddedBroker() {
        for (final String module : List.of("dev.vigil.collector", "dev.vigil.analyzer", "dev.vigil.decision",
                "dev.vigil.backup", "dev.vigil.schemas")) {
            noClasses().that().resideInAPackage(module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.deploy..", "dev.vigil.embedded..")
                    .allowEmptyShould(true).check(CLASSES);
        }
    }
}
