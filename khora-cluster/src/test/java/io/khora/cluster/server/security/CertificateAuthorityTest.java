package io.khora.cluster.server.security;

import org.junit.jupiter.api.Test;

import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertificateAuthorityTest {
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** Validates {@code leaf} against {@code ca} with the JDK's PKIX validator at {@code at}. */
    static void validate(X509Certificate leaf, X509Certificate ca, Instant at) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
    }

    @Test
    void aNodeCertificateChainsToTheCaNamesTheNodeAndItsHostsAndServesBothEndsOfTls() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(3650), CLOCK);
        CertificateAuthority.Issued n1 = ca.issueNode("n1", List.of("127.0.0.1", "localhost", "db-1.example.com", "::1"), Duration.ofDays(825));

        validate(n1.certificate(), ca.certificate(), NOW);
        assertThat(NodePeerTrust.commonName(n1.certificate())).isEqualTo("n1");
        assertThat(SecurityDirectory.hosts(n1.certificate())).containsExactly("127.0.0.1", "localhost", "db-1.example.com", "0:0:0:0:0:0:0:1");
        assertThat(n1.certificate().getSubjectAlternativeNames().stream().map(n -> (Integer) n.get(0)).toList())
                .containsExactly(7, 2, 2, 7); // IP, DNS, DNS, IP
        assertThat(n1.certificate().getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(n1.certificate().getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(n1.certificate().getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) n1.certificate().getPublicKey()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(KeyMatch.matches(n1.certificate().getPublicKey(), n1.key())).isTrue();
    }

    @Test
    void validityRunsFromAnHourBeforeNowForTheDaysAskedAndNotAfterIt() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(3650), CLOCK);
        X509Certificate c = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(30)).certificate();

        assertThat(c.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(c.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        validate(c, ca.certificate(), NOW.plus(Duration.ofDays(29)));
        assertThatThrownBy(() -> validate(c, ca.certificate(), NOW.plus(Duration.ofDays(31)))).isInstanceOf(CertPathValidatorException.class);
        assertThat(ca.certificate().getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(ca.certificate().getBasicConstraints()).isZero(); // a CA of end certificates only
    }

    @Test
    void aClientCertificateIsForTlsClientsOnlyAndACertificateOfAnotherCaDoesNotChainToThisOne() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(3650), CLOCK);
        CertificateAuthority other = CertificateAuthority.create(Duration.ofDays(3650), CLOCK);
        X509Certificate mirror = ca.issueClient("mirror", Duration.ofDays(825)).certificate();
        X509Certificate foreign = other.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(825)).certificate();

        assertThat(mirror.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(mirror.getSubjectAlternativeNames()).isNull();
        validate(mirror, ca.certificate(), NOW);
        assertThat(ca.certificate().getSubjectX500Principal()).isNotEqualTo(other.certificate().getSubjectX500Principal());
        assertThatThrownBy(() -> validate(foreign, ca.certificate(), NOW)).isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void refusesACertificateOutlivingTheCaABadHostAndAKeyThatIsNotTheCas() {
        CertificateAuthority ca = CertificateAuthority.create(Duration.ofDays(100), CLOCK);
        assertThatThrownBy(() -> ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(101)))
                .hasMessageContaining("n1").hasMessageContaining("would outlive the CA");
        assertThatThrownBy(() -> ca.issueNode("n1", List.of("bad host!"), Duration.ofDays(10)))
                .hasMessageContaining("host 'bad host!' is neither an IP address nor a DNS name");
        assertThatThrownBy(() -> ca.issueNode("n1", List.of(), Duration.ofDays(10))).hasMessageContaining("at least one host");
        CertificateAuthority other = CertificateAuthority.create(Duration.ofDays(100), CLOCK);
        assertThatThrownBy(() -> CertificateAuthority.of(ca.certificate(), other.privateKey(), CLOCK))
                .hasMessageContaining("the CA key does not belong to the CA certificate");
        X509Certificate leaf = ca.issueNode("n1", List.of("127.0.0.1"), Duration.ofDays(10)).certificate();
        assertThatThrownBy(() -> CertificateAuthority.of(leaf, other.privateKey(), CLOCK)).hasMessageContaining("is not a CA certificate");
    }
}
