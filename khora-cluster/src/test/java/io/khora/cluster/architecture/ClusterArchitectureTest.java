package io.khora.cluster.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Probe. */
class ClusterArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("io.khora.cluster");
    }

    @Test
    void cycles() {
        slices().matching("io.khora.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void clientOff() {
        noClasses().that().resideInAPackage("io.khora.cluster.client..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.cluster.server..", "io.khora.cluster.node..")
                .check(main);
    }

    @Test
    void protocolOff() {
        noClasses().that().resideInAPackage("io.khora.cluster.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.cluster.server..", "io.khora.cluster.node..", "io.khora.cluster.client..")
                .check(main);
    }
}
