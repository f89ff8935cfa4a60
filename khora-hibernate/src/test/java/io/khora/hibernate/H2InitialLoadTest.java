package io.khora.hibernate;

/** The initial-load contract on H2 (in-process). */
class H2InitialLoadTest extends InitialLoadContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
