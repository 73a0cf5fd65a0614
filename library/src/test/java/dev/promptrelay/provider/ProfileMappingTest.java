package dev.promptrelay.provider;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key goes only where the provider is: a status address a submit's answer gives is used only on the provider's
 * own host or domain; anywhere else the profile's own address is asked instead.
 */
class ProfileMappingTest {

    @ParameterizedTest(name = "{1} from {0}: {2}")
    @CsvSource(textBlock = """
            https://api.bfl.ai,         https://api.us1.bfl.ai/v1/get_result?id=1,   true
            https://api.bfl.ai,         https://api.bfl.ai/v1/get_result?id=1,       true
            https://api.bfl.ai,         http://api.us1.bfl.ai/v1/get_result?id=1,    false
            https://api.bfl.ai,         https://bfl.ai.attacker.example/v1/x,        false
            https://api.bfl.ai,         https://evilbfl.ai/v1/x,                     false
            https://api.replicate.com,  https://api.replicate.com/v1/predictions/p1, true
            http://127.0.0.1:8080,      http://127.0.0.1:8080/status/1,              true
            http://127.0.0.1:8080,      http://127.0.0.1:9090/status/1,              false
            http://127.0.0.1:8080,      http://127.0.0.2:8080/status/1,              false
            https://api.bfl.ai,         not a url,                                   false
            """)
    void anAnswersAddressIsUsedOnlyWhereTheProviderIs(String baseUrl, String answered, boolean used) {
        ProviderProfile profile = ProviderProfile.read("acme", "providers/acme.yaml", ProviderProfileTest.GOOD,
                Map.<String, String>of()::get);
        ProfileMapping mapping = new ProfileMapping(profile, new ProviderSettings("acme", baseUrl, "key", "", "m", false, 1),
                name -> null, name -> null);
        assertThat(mapping.providersOwn(answered)).isEqualTo(used);
    }
}
