package io.khora.hibernate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The classpath scanner over directories (the test classes) and jars (Hibernate's). */
class ClasspathScannerTest {
    private final ClasspathScanner scanner = new ClasspathScanner(getClass().getClassLoader());

    @Test
    void findsClassesInDirectoriesWithSubPackages() {
        assertThat(scanner.classNamesIn("io.khora.hibernate.model")).contains(
                "io.khora.hibernate.model.PurchaseOrder",
                "io.khora.hibernate.model.annotated.Invoice",
                "io.khora.hibernate.model.beans.OrderLoadQueries");
        assertThat(scanner.classesIn("io.khora.hibernate.model.beans")).extracting(Class::getSimpleName).containsExactly("OrderLoadQueries");
    }

    @Test
    void findsClassesInJars() {
        assertThat(scanner.classNamesIn("org.hibernate.annotations")).contains("org.hibernate.annotations.Immutable")
                .allMatch(n -> n.startsWith("org.hibernate.annotations."));
        assertThat(scanner.classNamesIn("jakarta.persistence")).contains("jakarta.persistence.Entity", "jakarta.persistence.metamodel.EntityType");
    }

    @Test
    void unknownPackagesAreEmptyAndBadNamesFail() {
        assertThat(scanner.classNamesIn("no.such.pkg")).isEmpty();
        assertThatThrownBy(() -> scanner.classNamesIn("1bad..name")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1bad..name");
    }
}
