package io.khora.cluster.server.security;

import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.Gs2CbindFlag;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ServerFinalMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.exception.ScramParseException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Function;

/**
 * The node's side of one SCRAM-SHA-256 exchange (RFC 5802 / 7677, without channel binding):
 * {@link #first} answers the client-first message with the server-first, {@link #last} checks the
 * client's proof and answers the server-final message (the node's signature, which the client
 * checks in turn). An unknown user gets a plausible server-first (a salt derived from its name and
 * a per-node secret) and fails at the proof like a wrong password, so the exchange does not tell
 * which users exist. Message parsing and the key functions are {@code com.ongres.scram}'s.
 */
public final class ScramExchange {
    /** The SASL name of the mechanism. */
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Function<String, ScramCredential> credentials;
    private final byte[] nodeSecret;
    private String user;
    private ScramCredential credential;
    private boolean known;
    private String clientFirstBare;
    private String serverFirst;
    private String gs2Header;
    private String nonce;
    private boolean done;

    /**
     * @param credentials a user's credential by name, or null if it has none
     * @param nodeSecret random bytes of this node (unknown users' salts derive from it)
     */
    public ScramExchange(Function<String, ScramCredential> credentials, byte[] nodeSecret) {
        this.credentials = credentials;
        this.nodeSecret = nodeSecret.clone();
    }

    /** The user name the client gave (after {@link #first}). */
    public String user() {
        return user;
    }

    /**
     * Answers the client-first message.
     *
     * @throws ScramFailure if it is malformed or asks for channel binding
     */
    public String first(String clientFirst) {
        if (clientFirstBare != null) {
            throw new ScramFailure("the exchange has begun already");
        }
        ClientFirstMessage m;
        try {
            m = ClientFirstMessage.parseFrom(clientFirst);
        } catch (ScramParseException | IllegalArgumentException e) {
            throw new ScramFailure("malformed client-first message");
        }
        if (m.getGs2Header().getChannelBindingFlag() == Gs2CbindFlag.CHANNEL_BINDING_REQUIRED) {
            throw new ScramFailure("channel binding is not offered (use " + MECHANISM + ")");
        }
        int bare = clientFirst.indexOf(',', clientFirst.indexOf(',') + 1);
        gs2Header = clientFirst.substring(0, bare + 1);
        clientFirstBare = clientFirst.substring(bare + 1);
        user = m.getUsername();
        credential = credentials.apply(user);
        known = credential != null;
        if (!known) {
            byte[] salt = java.util.Arrays.copyOf(ScramFunctions.hmac(ScramCredential.MECHANISM, nodeSecret,
                    user.getBytes(StandardCharsets.UTF_8)), 16);
            credential = ScramCredential.unmatchable(salt);
        }
        String serverNonce = ScramFunctions.nonce(24, RANDOM);
        nonce = m.getClientNonce() + serverNonce;
        serverFirst = new ServerFirstMessage(m.getClientNonce(), serverNonce, Base64.getEncoder().encodeToString(credential.salt()),
                credential.iterations()).toString();
        return serverFirst;
    }

    /**
     * Checks the client-final message's proof and answers the server-final message.
     *
     * @throws ScramFailure if it is malformed, or the proof is wrong (a wrong password or an unknown user)
     */
    public String last(String clientFinal) {
        if (serverFirst == null || done) {
            throw new ScramFailure("the exchange is not at its last step");
        }
        done = true;
        int p = clientFinal.lastIndexOf(",p=");
        if (!clientFinal.startsWith("c=") || p < 0) {
            throw new ScramFailure("malformed client-final message");
        }
        String withoutProof = clientFinal.substring(0, p);
        String[] attrs = withoutProof.split(",");
        String binding = attrs[0].substring(2);
        String r = attrs.length > 1 && attrs[1].startsWith("r=") ? attrs[1].substring(2) : null;
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(p + 3));
        } catch (IllegalArgumentException e) {
            throw new ScramFailure("malformed client-final message");
        }
        if (!binding.equals(Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))) || !nonce.equals(r)) {
            throw new ScramFailure("the client-final message does not match the exchange");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        if (!known || proof.length != 32
                || !ScramFunctions.verifyClientProof(ScramCredential.MECHANISM, proof, credential.storedKey(), authMessage)) {
            throw new ScramFailure("wrong password or unknown user");
        }
        return new ServerFinalMessage(ScramFunctions.serverSignature(ScramCredential.MECHANISM, credential.serverKey(), authMessage))
                .toString();
    }

    /** An exchange failed; the message is for the node's log, the client is told only that authentication failed. */
    public static final class ScramFailure extends RuntimeException {
        ScramFailure(String message) {
            super(message, null, false, false);
        }
    }
}
