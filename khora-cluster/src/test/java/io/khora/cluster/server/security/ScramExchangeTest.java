package io.khora.cluster.server.security;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's side of SCRAM-SHA-256 against the {@code com.ongres.scram} client. */
class ScramExchangeTest {
    private static final byte[] SECRET = new byte[32];
    private static final Map<String, ScramCredential> USERS = Map.of("app", ScramCredential.of("correct horse".toCharArray()));

    private static ScramClient client(String user, String password) {
        return ScramClient.builder().advertisedMechanisms(List.of("SCRAM-SHA-256")).username(user).password(password.toCharArray()).build();
    }

    @Test
    void theRightPasswordAuthenticatesAndTheClientVerifiesTheNodesSignature() throws Exception {
        ScramClient c = client("app", "correct horse");
        ScramExchange x = new ScramExchange(USERS::get, SECRET);
        c.serverFirstMessage(x.first(c.clientFirstMessage().toString()));
        String serverFinal = x.last(c.clientFinalMessage().toString());
        assertThat(c.serverFinalMessage(serverFinal).isError()).isFalse();
        assertThat(x.user()).isEqualTo("app");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserFailAlikeAtTheProof() throws Exception {
        ScramClient wrong = client("app", "battery staple");
        ScramExchange x = new ScramExchange(USERS::get, SECRET);
        wrong.serverFirstMessage(x.first(wrong.clientFirstMessage().toString()));
        assertThatThrownBy(() -> x.last(wrong.clientFinalMessage().toString())).hasMessage("wrong password or unknown user");

        ScramClient unknown = client("eve", "anything");
        ScramExchange y = new ScramExchange(USERS::get, SECRET);
        String serverFirst = y.first(unknown.clientFirstMessage().toString());
        assertThat(serverFirst).contains(",s=").contains(",i=4096");
        unknown.serverFirstMessage(serverFirst);
        assertThatThrownBy(() -> y.last(unknown.clientFinalMessage().toString())).hasMessage("wrong password or unknown user");
        String again = new ScramExchange(USERS::get, SECRET).first(client("eve", "x").clientFirstMessage().toString());
        assertThat(salt(again)).as("an unknown user's salt is stable, like a real one's").isEqualTo(salt(serverFirst));
    }

    @Test
    void aNodeWithoutTheCredentialCannotPoseAsTheCluster() throws Exception {
        ScramClient c = client("app", "correct horse");
        ScramExchange impostor = new ScramExchange(n -> ScramCredential.of("something else".toCharArray()), SECRET);
        c.serverFirstMessage(impostor.first(c.clientFirstMessage().toString()));
        String clientFinal = c.clientFinalMessage().toString();
        assertThatThrownBy(() -> impostor.last(clientFinal)).isInstanceOf(ScramExchange.ScramFailure.class);
        // and a forged server-final is refused by the client
        ScramClient d = client("app", "correct horse");
        ScramExchange real = new ScramExchange(USERS::get, SECRET);
        d.serverFirstMessage(real.first(d.clientFirstMessage().toString()));
        d.clientFinalMessage();
        assertThatThrownBy(() -> d.serverFinalMessage("v=" + java.util.Base64.getEncoder().encodeToString(new byte[32])))
                .isInstanceOf(ScramInvalidServerSignatureException.class);
    }

    @Test
    void malformedOrOutOfOrderMessagesFail() {
        ScramExchange x = new ScramExchange(USERS::get, SECRET);
        assertThatThrownBy(() -> x.last("c=biws,r=abc,p=AAAA")).hasMessageContaining("not at its last step");
        assertThatThrownBy(() -> x.first("garbage")).hasMessageContaining("malformed client-first message");
        ScramClient c = client("app", "correct horse");
        ScramExchange y = new ScramExchange(USERS::get, SECRET);
        y.first(c.clientFirstMessage().toString());
        assertThatThrownBy(() -> y.last("c=biws,r=not-the-nonce,p=" + java.util.Base64.getEncoder().encodeToString(new byte[32])))
                .hasMessageContaining("does not match the exchange");
        assertThatThrownBy(() -> new ScramExchange(USERS::get, SECRET).first("p=tls-server-end-point,,n=app,r=abc"))
                .hasMessageContaining("channel binding is not offered");
    }

    @Test
    void credentialsRoundTripThroughTheirTextAndCheckPasswords() {
        ScramCredential c = ScramCredential.of("pw".toCharArray());
        ScramCredential parsed = ScramCredential.parse(c.format(), "here");
        assertThat(parsed.format()).isEqualTo(c.format());
        assertThat(parsed.matches("pw".toCharArray())).isTrue();
        assertThat(parsed.matches("pW".toCharArray())).isFalse();
        assertThat(c.iterations()).isGreaterThanOrEqualTo(ScramCredential.MIN_ITERATIONS);
        assertThatThrownBy(() -> ScramCredential.of("pw".toCharArray(), 1000, new byte[16]))
                .hasMessageContaining("must be at least 4096 (RFC 7677), got 1000");
        assertThatThrownBy(() -> ScramCredential.parse("a:b", "users.yaml: user 'x'")).hasMessageContaining("users.yaml: user 'x': expected");
        assertThatThrownBy(() -> ScramCredential.parse("AAAA:100:AAAA:AAAA", "w")).hasMessageContaining("w: iterations must be at least 4096");
    }

    private static String salt(String serverFirst) {
        return serverFirst.replaceAll(".*,s=([^,]*),.*", "$1");
    }
}
