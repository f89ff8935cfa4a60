package io.khora.internal.metadata;

import io.khora.document.SpaceDocument;

import java.util.Objects;

/**
 * A detached copy of a template object: the property values it matches on, taken at one moment,
 * so later changes to the caller's object cannot change a query made from it. A POJO is rebuilt
 * through its type's codec (a new instance with the same property values), a document gets a copy
 * of its property map; records are rebuilt too, so the copy never aliases the caller's object.
 */
public final class TemplateSnapshot {
    private TemplateSnapshot() {
    }

    /** A copy of {@code template} holding the values it has now. */
    @SuppressWarnings("unchecked")
    public static <T> T of(T template) {
        Objects.requireNonNull(template, "template must not be null");
        if (template instanceof SpaceDocument doc) {
            return (T) new SpaceDocument(doc.getTypeName(), doc.getProperties());
        }
        EntryCodec codec = TypeIntrospector.describe(template.getClass()).codec();
        return (T) codec.fromValues(codec.toValues(template));
    }
}
