package io.khora.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apache Cassandra 5.0 server ({@code org.apache.cassandra:cassandra-all} from Maven Central,
 * on the test class path) in a child JVM: {@code CassandraDaemon} with a generated
 * {@code cassandra.yaml} under {@code target/}, bound to 127.0.0.1 only, on free ports, with a 512 MB
 * heap and the {@code --add-opens}/{@code --add-exports} of Cassandra's {@code jvm17-server.options}.
 * One server per test JVM: started on first use, killed when the JVM exits. Public for khora-bench's
 * Cassandra family, which starts one from a class path file ({@code target/cassandra-server.classpath},
 * written by this module's build).
 */
public final class CassandraServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraServer.class);
    private static final long START_TIMEOUT_SECONDS = 240;
    private static final List<String> JVM17_OPTIONS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private static CassandraServer shared;

    private final Process process;
    private final int nativePort;
    private final Path log;
    private final Path dir;

    private CassandraServer(Process process, int nativePort, Path log, Path dir) {
        this.process = process;
        this.nativePort = nativePort;
        this.log = log;
        this.dir = dir;
    }

    /** The server of this JVM, started on first call. */
    static synchronized CassandraServer shared() {
        if (shared == null) {
            shared = start(Path.of("target", "cassandra-" + ProcessHandle.current().pid()), System.getProperty("java.class.path"));
            CassandraServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "cassandra-server-stop"));
        }
        return shared;
    }

    /** A session on this server (the caller closes it). */
    public CqlSession session() {
        return session(nativePort);
    }

    /** A session on the server at 127.0.0.1:{@code port}, with timeouts for a busy 2-core machine. */
    public static CqlSession session(int port) {
        java.time.Duration t = java.time.Duration.ofSeconds(60);
        return CqlSession.builder().addContactPoint(new InetSocketAddress("127.0.0.1", port))
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(com.datastax.oss.driver.api.core.config.DriverConfigLoader.programmaticBuilder()
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.REQUEST_TIMEOUT, t)
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, t)
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, t)
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, t)
                        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, t)
                        .build())
                .build();
    }

    /** The CQL port. */
    public int nativePort() {
        return nativePort;
    }

    /** Starts a server with its files under {@code dir} (emptied first), on {@code classpath} (cassandra-all and its dependencies). */
    public static CassandraServer start(Path dir, String classpath) {
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            int nativePort = freePort();
            int storagePort = freePort();
            int sslStoragePort = freePort();
            Path yaml = dir.resolve("cassandra.yaml");
            Files.writeString(yaml, yaml(dir.toAbsolutePath(), nativePort, storagePort, sslStoragePort), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("-Xms512m", "-Xmx512m", "-Xss512k", "-XX:+UseG1GC", "-XX:MaxDirectMemorySize=256m"));
            cmd.addAll(JVM17_OPTIONS);
            cmd.addAll(List.of(
                    "-Dcassandra.config=" + yaml.toAbsolutePath().toUri(),
                    "-Dcassandra.storagedir=" + dir.toAbsolutePath(),
                    "-Dcassandra-foreground=yes",
                    "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                    "-Dcassandra.ring_delay_ms=100",
                    "-Dcassandra.superuser_setup_delay_ms=0",
                    "-Dcassandra.native.epoll.enabled=false",
                    "-Djava.net.preferIPv4Stack=true",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", classpath,
                    "org.apache.cassandra.service.CassandraDaemon"));
            Path log = dir.resolve("server.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            CassandraServer server = new CassandraServer(p, nativePort, log, dir);
            server.awaitNativePort();
            LOG.info("Cassandra started on 127.0.0.1:{} (pid {}, dir {})", nativePort, p.pid(), dir);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Cassandra in " + dir, e);
        }
    }

    private void awaitNativePort() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Cassandra exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", nativePort), 1_000);
                return;
            } catch (IOException notYet) {
                sleep(500);
            }
        }
        stop();
        throw new IllegalStateException("Cassandra did not open port " + nativePort + " within " + START_TIMEOUT_SECONDS + " s:\n" + tail());
    }

    /** The last lines of the server's log. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s) and deletes its files. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (!process.isAlive()) {
                deleteRecursively(dir);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("could not delete the Cassandra files under {}", dir, e);
        }
    }

    private static String yaml(Path dir, int nativePort, int storagePort, int sslStoragePort) {
        return String.join("\n",
                "cluster_name: khora-test",
                "num_tokens: 8",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "role_manager: CassandraRoleManager",
                "data_file_directories:",
                "  - " + dir.resolve("data"),
                "commitlog_directory: " + dir.resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("saved_caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc_raw"),
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "commitlog_segment_size: 8MiB",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "ssl_storage_port: " + sslStoragePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "endpoint_snitch: SimpleSnitch",
                "concurrent_reads: 8",
                "concurrent_writes: 8",
                "concurrent_counter_writes: 4",
                "memtable_heap_space: 64MiB",
                "memtable_offheap_space: 64MiB",
                "key_cache_size: 8MiB",
                "dynamic_snitch: false",
                "read_request_timeout: 20000ms",
                "range_request_timeout: 30000ms",
                "write_request_timeout: 20000ms",
                "request_timeout: 30000ms",
                "batch_size_warn_threshold: 256KiB",
                "batch_size_fail_threshold: 4MiB",
                "auto_snapshot: false",
                "materialized_views_enabled: false",
                "") + "\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Cassandra", e);
        }
    }
}
