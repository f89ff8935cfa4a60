package io.khora.hibernate;

/** The read-through contract on H2. */
class H2ReadThroughTest extends ReadThroughContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
