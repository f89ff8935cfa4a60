package io.khora.hibernate;

/** The initial-load contract on a real PostgreSQL (embedded, started by the tests). */
class PostgresInitialLoadTest extends InitialLoadContract {
    @Override
    TestDatabase.Kind kind() {
        return TestDatabase.Kind.POSTGRES;
    }
}
