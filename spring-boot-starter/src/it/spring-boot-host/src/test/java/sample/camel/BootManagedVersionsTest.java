package sample.camel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This application's BOM is Spring Boot's: the journal above ran on Boot's H2, Flyway and HikariCP, not promptrelay's.
 */
class BootManagedVersionsTest {

    @Test
    void theJournalRunsOnSpringBootsManagedVersions() throws Exception {
        assertThat(Class.forName("org.h2.engine.Constants").getField("VERSION").get(null)).isEqualTo("2.3.232");
        assertThat(org.flywaydb.core.Flyway.class.getProtectionDomain().getCodeSource().getLocation().toString())
                .contains("flyway-core-11.7.2");
        assertThat(com.zaxxer.hikari.HikariDataSource.class.getProtectionDomain().getCodeSource().getLocation().toString())
                .contains("HikariCP-6.3.3");
    }
}
