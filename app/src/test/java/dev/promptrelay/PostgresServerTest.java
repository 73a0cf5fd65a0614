package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests' PostgreSQL server from a checkout inside a folder only its owner may enter (a {@code mktemp -d} folder,
 * {@code /root/...}): as root, the server's own user could not reach a data directory there, so the server's files go
 * to a temporary folder it can reach, which is removed at stop. The tests that need a server pass from any checkout.
 */
class PostgresServerTest {

    @Test
    void startsFromAFolderOnlyItsOwnerMayEnterAndLeavesNothingBehind() throws Exception {
        Path closed = Files.createTempDirectory("promptrelay-closed-checkout-");
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Path home;
        try (PostgresServer postgres = PostgresServer.start(closed.resolve("checkout").resolve("target").resolve("pg"))) {
            try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "");
                 ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            home = postgres.home();
        }
        assertThat(home).as("the server's folder, removed at stop").doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(closed))).as("left as it was")
                .isEqualTo("rwx------");
        Files.walk(closed).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
