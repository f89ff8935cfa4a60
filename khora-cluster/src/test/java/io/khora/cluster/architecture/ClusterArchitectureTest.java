package io.khora.cluster.architecture;

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
 * The package map of khora-cluster, checked on its compiled main classes (see docs/architecture.md,
 * "Cluster packages"): every package its own slice and no cycle among them; the client and the
 * protocol never reach into the node side; the replica never into the node's server; threads, logging
 * and deserialization as everywhere in Khora.
 */
class ClusterArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages("io.khora.cluster");
    }

    @Test
    void theClusterPackagesFormNoCycle() {
        // each package, the root included, is its own slice ("cluster", "cluster.raft", "cluster.server.security", …)
        slices().matching("io.khora.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theClientKnowsNothingOfTheNodeSide() {
        noClasses().that().resideInAPackage("io.khora.cluster.client..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.cluster.server..", "io.khora.cluster.node..",
                        "io.khora.cluster.replica..")
                .check(main);
    }

    @Test
    void theProtocolIsSharedVocabularyOnly() {
        noClasses().that().resideInAPackage("io.khora.cluster.protocol..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.cluster.server..", "io.khora.cluster.node..",
                        "io.khora.cluster.client..", "io.khora.cluster.replica..", "io.khora.cluster.mirror..")
                .check(main);
    }

    @Test
    void theReplicaAndTheStateMachineDoNotReachUpIntoTheServer() {
        noClasses().that().resideInAnyPackage("io.khora.cluster.replica..", "io.khora.cluster.raft..", "io.khora.cluster.node..")
                .should().dependOnClassesThat().resideInAnyPackage("io.khora.cluster.server..", "io.khora.cluster.client..",
                        "io.khora.cluster.mirror..")
                .check(main);
    }

    @Test
    void threadsAreMadeOnlyByDaemonThreads() {
        noClasses().should().callConstructor(Thread.class, Runnable.class, String.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .check(main);
    }

    @Test
    void nothingFromTheNetworkIsJavaDeserializedHere() {
        noClasses().should().dependOnClassesThat().areAssignableTo(ObjectInputStream.class).check(main);
    }

    @Test
    void libraryCodeLogsThroughSlf4jAndNeverToTheStandardStreams() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(main);
        NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING.check(main);
    }
}
