package io.khora.hibernate.model.unmappedtype;

import io.khora.annotation.SpaceInitialLoadQuery;

/** An initial-load query for a type the SessionFactory does not map. */
public class UnknownTypeQuery {
    @SpaceInitialLoadQuery(type = "com.example.Nope")
    public String nope() {
        return "x > 1";
    }
}
