package io.khora.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ObjectInputStream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package map of khora-core, checked on the compiled main classes: which room may use which,
 * no cycles between rooms, and the code rules every room keeps (SLF4J logging, no standard
 * streams, Java deserialization in one audited place). A change that breaks the map fails the
 * build here, naming the classes and the dependency.
 */
class CoreArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.khora");
    }

    @Test
    void theInternalRoomsFormNoCycle() {
        slices().matching("io.khora.internal.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theEngineKnowsNothingOfTheSpaceLayersAbove() {
        noClasses().that().resideInAPackage("io.khora.internal.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.internal.local..", "io.khora.internal.router..",
                        "io.khora.internal.persistence..", "io.khora.internal.writebehind..", "io.khora.internal.lifecycle..")
                .check(main);
    }

    @Test
    void theQueryRoomStandsOnMetadataAlone() {
        noClasses().that().resideInAPackage("io.khora.internal.query..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.internal.local..", "io.khora.internal.router..",
                        "io.khora.internal.persistence..", "io.khora.internal.writebehind..", "io.khora.internal.engine..")
                .check(main);
    }

    @Test
    void theOutboxAndTheWireAreFreeOfSpaceSemantics() {
        noClasses().that().resideInAnyPackage("io.khora.internal.outbox..", "io.khora.internal.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.internal.engine..", "io.khora.internal.local..",
                        "io.khora.internal.router..", "io.khora.internal.writebehind..")
                .check(main);
    }

    @Test
    void theServiceProviderInterfacesDoNotReachIntoInternals() {
        noClasses().that().resideInAnyPackage("io.khora.persistence..", "io.khora.metrics..", "io.khora.annotation..")
                .should().dependOnClassesThat().resideInAPackage("io.khora.internal..")
                .check(main);
    }

    @Test
    void javaDeserializationHappensOnlyInItsAuditedClass() {
        // JavaSerialization is package-private and runs only when a WireInput's JavaDeserialization allows it
        noClasses().that().doNotHaveFullyQualifiedName("io.khora.internal.wire.JavaSerialization")
                .and().doNotHaveFullyQualifiedName("io.khora.internal.wire.JavaSerialization$ResolvingInput")
                .should().dependOnClassesThat().areAssignableTo(ObjectInputStream.class)
                .check(main);
    }

    @Test
    void threadsAreMadeOnlyByDaemonThreads() {
        // ConcurrentMultiDataIterator is public SPI and keeps off internals: it names its own daemon threads
        noClasses().that().doNotHaveFullyQualifiedName("io.khora.internal.lifecycle.DaemonThreads")
                .and().doNotHaveFullyQualifiedName("io.khora.persistence.ConcurrentMultiDataIterator")
                .should().callConstructor(Thread.class, Runnable.class, String.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .check(main);
    }

    @Test
    void libraryCodeLogsThroughSlf4jAndNeverToTheStandardStreams() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(main);
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(main);
    }
}
