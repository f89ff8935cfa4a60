package io.khora.hibernate.writebehind;

import io.khora.hibernate.DefaultHibernateSpaceSynchronizationEndpoint;
import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SynchronizationSourceDetails;
import io.khora.persistence.TransactionData;
import org.hibernate.SessionFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real {@link DefaultHibernateSpaceSynchronizationEndpoint}, watched: every call the mirror makes
 * is recorded (its source, its operations' ids and sequences, whether the endpoint refused it and
 * why) before the outcome is passed on unchanged. It changes nothing about what reaches the
 * database.
 */
final class RecordingEndpoint extends DefaultHibernateSpaceSynchronizationEndpoint {
    /** One call: what was offered and how it ended. */
    record Attempt(SynchronizationSourceDetails source, List<Object> ids, List<Long> sequences, boolean ok, String error) {
    }

    private final boolean keepOperations;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong successes = new AtomicLong();

    /** @param keepOperations whether to keep each call's ids and sequences (small tests only) */
    RecordingEndpoint(SessionFactory sf, boolean keepOperations) {
        super(sf);
        this.keepOperations = keepOperations;
    }

    @Override
    public void onOperationsBatchSynchronization(OperationsBatchData batchData) {
        record(batchData.getSourceDetails(), batchData.getBatchDataItems(), () -> super.onOperationsBatchSynchronization(batchData));
    }

    @Override
    public void onTransactionSynchronization(TransactionData transactionData) {
        record(transactionData.getSourceDetails(), transactionData.getTransactionParticipantDataItems(),
                () -> super.onTransactionSynchronization(transactionData));
    }

    private void record(SynchronizationSourceDetails source, DataSyncOperation[] ops, Runnable call) {
        List<Object> ids = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        if (keepOperations) {
            for (DataSyncOperation op : ops) {
                ids.add(op.getSpaceId());
                seqs.add(op.getSequence());
            }
        }
        try {
            call.run();
        } catch (RuntimeException | Error e) {
            failures.incrementAndGet();
            if (keepOperations) {
                attempts.add(new Attempt(source, ids, seqs, false, String.valueOf(e.getMessage())));
            }
            throw e;
        }
        successes.incrementAndGet();
        if (keepOperations) {
            attempts.add(new Attempt(source, ids, seqs, true, null));
        }
    }

    /** The calls so far, in the order they ended (only with {@code keepOperations}). */
    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Calls the endpoint refused. */
    long failures() {
        return failures.get();
    }

    /** Calls the endpoint accepted. */
    long successes() {
        return successes.get();
    }
}
