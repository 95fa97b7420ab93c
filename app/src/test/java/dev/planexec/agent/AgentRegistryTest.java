package dev.planexec.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The registry's table is the one list of agent names: plan validation, {@code --agent} and completion read
 * {@link AgentRegistry#NAMES}, and each name there is a backend this build can make.
 */
class AgentRegistryTest {
    @Test
    void every_name_has_a_provider_of_that_name() {
        AgentRegistry registry = AgentRegistry.load();

        assertEquals(AgentRegistry.NAMES, registry.names());
        for (String name : AgentRegistry.NAMES) {
            AgentProvider provider = registry.find(name).orElseThrow(() -> new AssertionError("no provider: " + name));
            assertEquals(name, provider.name());
        }
    }

    @Test
    void a_provider_is_made_once_and_an_unknown_name_has_none() {
        AgentRegistry registry = AgentRegistry.load();

        assertTrue(
                registry.find("local").orElseThrow() == registry.find("local").orElseThrow(), "the same provider");
        assertTrue(registry.find("nope").isEmpty());
    }

    @Test
    void no_services_file_lists_providers_a_second_time() {
        // The sources, not the class path: a build folder from before the table may still hold the old file.
        assertFalse(java.nio.file.Files.exists(
                java.nio.file.Path.of("src/main/resources/META-INF/services/" + AgentProvider.class.getName())));
    }
}
