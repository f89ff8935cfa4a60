package io.khora.internal.persistence;

import io.khora.ChangeSet;
import io.khora.document.SpaceDocument;
import io.khora.internal.engine.Change;
import io.khora.internal.engine.SpaceEntry;
import io.khora.internal.metadata.TypeDescriptor;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link DataSyncOperation} over an engine {@link Change}; entries are mapped to objects on demand. */
final class SyncOperation implements DataSyncOperation {
    private final Change change;
    private final EntryCopier copier;
    private final long sequence;

    SyncOperation(Change change, EntryCopier copier) {
        this(change, copier, 0L);
    }

    /** @param sequenceOverride when &gt; 0, the sequence reported instead of the change's own */
    SyncOperation(Change change, EntryCopier copier, long sequenceOverride) {
        this.change = change;
        this.copier = copier;
        this.sequence = sequenceOverride > 0 ? sequenceOverride : change.sequence();
    }

    private TypeDescriptor type() {
        return change.entry().type();
    }

    @Override
    public DataSyncOperationType getDataSyncOperationType() {
        return change.type();
    }

    @Override
    public String getTypeName() {
        return type().name();
    }

    @Override
    public Class<?> getType() {
        return type().kind() == TypeDescriptor.Kind.DOCUMENT ? null : type().javaType();
    }

    @Override
    public String getIdPropertyName() {
        return type().property(type().idIndex()).name();
    }

    @Override
    public Object getSpaceId() {
        return change.entry().id();
    }

    @Override
    public Object getRouting() {
        return change.entry().routing();
    }

    @Override
    public long getVersion() {
        return change.entry().version();
    }

    @Override
    public boolean supportsDataAsObject() {
        return type().kind() != TypeDescriptor.Kind.DOCUMENT;
    }

    @Override
    public Object getDataAsObject() {
        if (!supportsDataAsObject()) {
            throw new UnsupportedOperationException("operation on document type '" + getTypeName()
                    + "' has no object form; use getDataAsDocument()");
        }
        return copier.toEntry(change.entry());
    }

    @Override
    public boolean supportsDataAsDocument() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public SpaceDocument getDataAsDocument() {
        if (type().kind() == TypeDescriptor.Kind.DOCUMENT) {
            return (SpaceDocument) copier.toEntry(change.entry());
        }
        SpaceDocument d = new SpaceDocument(getTypeName());
        Object[] v = change.entry().values();
        for (int i = 0; i < type().propertyCount(); i++) {
            if (v[i] != null) {
                d.setProperty(type().property(i).name(), v[i]);
            }
        }
        if (type().dynamicSlot() >= 0 && v[type().dynamicSlot()] instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach(d::setProperty);
        }
        return d;
    }

    @Override
    public List<ChangeSet.Operation> getChanges() {
        return change.operations();
    }

    @Override
    public List<String> getChangedPropertyNames() {
        Set<String> names = new LinkedHashSet<>();
        for (ChangeSet.Operation op : change.operations()) {
            names.add(op.property());
        }
        return new ArrayList<>(names);
    }

    @Override
    public int getPartitionId() {
        return change.partitionId();
    }

    @Override
    public long getSequence() {
        return sequence;
    }

    @Override
    public String toString() {
        return change.type() + " " + getTypeName() + " id=" + getSpaceId() + " #" + sequence;
    }
}
