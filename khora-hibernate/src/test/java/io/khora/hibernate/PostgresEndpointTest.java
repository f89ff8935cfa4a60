package io.khora.hibernate;

/** The synchronization endpoint contract on Postgres. */
class PostgresEndpointTest extends EndpointContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
