package io.khora.cluster.replica;

import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.PartitionStateMachine;
import io.khora.cluster.raft.TypeDeclaration;
import io.khora.internal.engine.EventSink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static io.khora.cluster.replica.ReplicationTest.TRADE;
import static org.assertj.core.api.Assertions.assertThat;

/** A leader declares a type the group lacks once per term, and again only if that proposal failed. */
class TypeDeclarationsTest {
    private final TypeDeclarations types = new TypeDeclarations("s", new PartitionStateMachine("s", 0, EventSink.NONE));
    private final List<Command> proposed = new ArrayList<>();
    private final List<CompletableFuture<Object>> answers = new ArrayList<>();

    private CompletableFuture<Object> propose(Command c) {
        proposed.add(c);
        CompletableFuture<Object> f = new CompletableFuture<>();
        answers.add(f);
        return f;
    }

    @Test
    void aTypeIsProposedOncePerTermUntilTheGroupHasIt() {
        Set<String> term1 = ConcurrentHashMap.newKeySet();
        types.ensureDeclared(TRADE, term1, this::propose);
        types.ensureDeclared(TRADE, term1, this::propose);
        assertThat(proposed).hasSize(1).first().isInstanceOf(Command.DeclareType.class);
        assertThat(term1).containsExactly(TRADE.name());

        Set<String> term2 = ConcurrentHashMap.newKeySet(); // a new leadership does not know what the last one proposed
        types.ensureDeclared(TRADE, term2, this::propose);
        assertThat(proposed).hasSize(2);
    }

    @Test
    void aFailedDeclarationIsProposedAgain() {
        Set<String> term = ConcurrentHashMap.newKeySet();
        types.ensureDeclared(TRADE, term, this::propose);
        answers.get(0).completeExceptionally(new IllegalStateException("not the leader"));
        assertThat(term).isEmpty();
        types.ensureDeclared(TRADE, term, this::propose);
        assertThat(proposed).hasSize(2);
    }

    @Test
    void aDescriptorBuiltFromADeclarationIsDeclaredAsThatDeclaration() {
        TypeDeclaration declaration = TypeDeclaration.of(TRADE);
        types.use(TRADE, declaration);
        types.ensureDeclared(TRADE, ConcurrentHashMap.newKeySet(), this::propose);
        assertThat(((Command.DeclareType) proposed.get(0)).declaration()).isSameAs(declaration);
        assertThat(types.replicaView(TRADE).name()).as("the replicas' view before the group applied it").isEqualTo(TRADE.name());
    }
}
