package io.khora.hibernate;

/** The synchronization endpoint contract on H2. */
class H2EndpointTest extends EndpointContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.H2;
    }
}
