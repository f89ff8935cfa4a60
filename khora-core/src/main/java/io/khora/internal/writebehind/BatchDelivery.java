package io.khora.internal.writebehind;

import io.khora.internal.engine.Change;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Delivers a consolidated batch so that one bad change never stalls its partition and a store
 * outage never dead-letters good changes:
 * <ol>
 *   <li>send the whole batch; if refused, send its first half, and so on, until a prefix is
 *       accepted or a single change is refused (retried once);</li>
 *   <li>a refusal that says the store is unavailable ({@link FailureKind#UNAVAILABLE}: connection
 *       errors, SQLState 08/53/57P/40, any {@link Error}) stops the round at once — nothing is
 *       suspected, everything from there is retried after a backoff;</li>
 *   <li>a single change refused as bad data (SQLState 22/23) is set aside as a dead letter at once;</li>
 *   <li>any other refused single change is only <em>suspected</em>; it is <em>confirmed</em> bad —
 *       set aside — once a later change of the batch is accepted, which proves the store is up;</li>
 *   <li>after {@code maxSuspects} suspects in a row with no acceptance, the round stops: the store
 *       is probably down; the caller retries from the first suspect after a backoff.</li>
 * </ol>
 * With the store down a round costs about log2(n) + 2·maxSuspects refused calls: once a change is
 * suspected, the next single change is what tests whether the store is up. Changes are always sent in
 * sequence order, so a checkpointing endpoint never passes over an undelivered change.
 */
final class BatchDelivery {
    private BatchDelivery() {
    }

    /** Sends changes as one batch; throws if the store refused it. */
    @FunctionalInterface
    interface Sender {
        void send(List<Change> changes);

        /** Sends a committed transaction's record as one {@code TransactionData}; throws if the store refused it. */
        default void sendTransaction(OutboxRecord.TxRecord tx) {
            throw new UnsupportedOperationException("this sender does not deliver transactions");
        }
    }

    /** A change the store refused, with its error. */
    record Failure(Consolidator.Merged merged, RuntimeException error) {
    }

    /**
     * @param done which entries of the batch are finished: delivered, cancelled out, or dead-lettered
     * @param deadLetters the confirmed bad changes
     * @param lastError the last refusal when some entries are not done (else null)
     */
    record Outcome(boolean[] done, List<Failure> deadLetters, RuntimeException lastError) {
        boolean complete() {
            for (boolean d : done) {
                if (!d) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param batch the consolidated batch, in sequence order
     * @param sender sends a sub-batch
     * @param maxSuspects suspects in a row (no acceptance between) after which the round stops
     * @param onAttempt told the highest sequence of every sub-batch before it is sent
     */
    static Outcome deliver(List<Consolidator.Merged> batch, Sender sender, int maxSuspects, LongConsumer onAttempt) {
        int n = batch.size();
        boolean[] done = new boolean[n];
        List<Integer> suspects = new ArrayList<>();
        List<Failure> suspectFailures = new ArrayList<>();
        List<Failure> dead = new ArrayList<>();
        RuntimeException lastError = null;
        int pos = 0;
        while (pos < n) {
            if (batch.get(pos).cancelled()) {
                done[pos++] = true; // cancelled out: nothing to send
                continue;
            }
            // with a suspect pending, the cheapest proof that the store is up is the next single change;
            // a transaction is always sent alone, and nothing is sent together with changes after it
            int len = Math.min(suspects.isEmpty() ? n - pos : 1, runLength(batch, pos));
            while (true) {
                RuntimeException error = trySend(batch.subList(pos, pos + len), sender, onAttempt);
                if (error == null) {
                    confirm(suspects, suspectFailures, done, dead);
                    for (int k = pos; k < pos + len; k++) {
                        done[k] = true;
                    }
                    pos += len;
                    break;
                }
                lastError = error;
                if (FailureKind.of(error) == FailureKind.UNAVAILABLE) {
                    // the store is down: stop; nothing from the first suspect (or from here) is done
                    return stopAt(done, suspects.isEmpty() ? pos : suspects.get(0), dead, error);
                }
                if (len > 1) {
                    len = (len + 1) / 2;
                    continue;
                }
                RuntimeException again = trySend(batch.subList(pos, pos + 1), sender, onAttempt);
                if (again == null) {
                    confirm(suspects, suspectFailures, done, dead);
                    done[pos++] = true;
                    break;
                }
                lastError = again;
                FailureKind kind = FailureKind.of(again);
                if (kind == FailureKind.UNAVAILABLE) {
                    return stopAt(done, suspects.isEmpty() ? pos : suspects.get(0), dead, again);
                }
                if (kind == FailureKind.BAD_DATA && suspects.isEmpty()) {
                    // the store answered about this very change: it is bad, whatever follows
                    dead.add(new Failure(batch.get(pos), again));
                    done[pos++] = true;
                    break;
                }
                suspects.add(pos);
                suspectFailures.add(new Failure(batch.get(pos), again));
                pos++;
                if (suspects.size() >= maxSuspects) {
                    // probably the store is down: stop here; nothing after the first suspect counts as done
                    return stopAt(done, suspects.get(0), dead, lastError);
                }
                break;
            }
        }
        if (!suspects.isEmpty()) {
            // unconfirmed suspects at the end: they and what follows them are retried in the next round
            return stopAt(done, suspects.get(0), dead, lastError);
        }
        return new Outcome(done, dead, null);
    }

    private static Outcome stopAt(boolean[] done, int from, List<Failure> dead, RuntimeException error) {
        for (int k = from; k < done.length; k++) {
            done[k] = false;
        }
        return new Outcome(done, dead, error);
    }

    /** A later acceptance proves the store up: every suspect so far is a real bad change. */
    private static void confirm(List<Integer> suspects, List<Failure> failures, boolean[] done, List<Failure> dead) {
        for (int k : suspects) {
            done[k] = true;
        }
        dead.addAll(failures);
        suspects.clear();
        failures.clear();
    }

    /** 1 for a transaction at {@code pos}; else how many units from {@code pos} come before the next transaction. */
    private static int runLength(List<Consolidator.Merged> batch, int pos) {
        if (batch.get(pos).tx() != null) {
            return 1;
        }
        int end = pos;
        while (end < batch.size() && batch.get(end).tx() == null) {
            end++;
        }
        return end - pos;
    }

    private static RuntimeException trySend(List<Consolidator.Merged> sub, Sender sender, LongConsumer onAttempt) {
        if (sub.size() == 1 && sub.get(0).tx() != null) {
            OutboxRecord.TxRecord tx = sub.get(0).tx();
            onAttempt.accept(tx.sequence());
            try {
                sender.sendTransaction(tx);
                return null;
            } catch (RuntimeException e) {
                return e;
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Error e) {
                return new IllegalStateException("the synchronization endpoint failed with " + e, e);
            }
        }
        List<Change> changes = new ArrayList<>(sub.size());
        long max = 0;
        for (Consolidator.Merged m : sub) {
            if (m.change() != null) {
                changes.add(m.change());
                max = Math.max(max, m.change().sequence());
            }
        }
        if (changes.isEmpty()) {
            return null;
        }
        onAttempt.accept(max);
        try {
            sender.send(changes);
            return null;
        } catch (RuntimeException e) {
            return e;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Error e) {
            // e.g. a driver's AssertionError when a connection is cut mid-batch: says nothing about the data
            return new IllegalStateException("the synchronization endpoint failed with " + e, e);
        }
    }
}
