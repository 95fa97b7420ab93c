package dev.planexec.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.planexec.plan.Agents;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The plan format's agent names ({@code plan/Agents}, which validation uses) and the backends the registry finds are
 * the same set. The plan package may not use the agent package, so the list is still written twice; this keeps the
 * two from drifting until validation takes its names from the registry.
 */
class AgentNamesTest {
    @Test
    void the_plan_formats_agent_names_are_the_registrys() {
        assertEquals(Set.copyOf(Agents.NAMES), AgentRegistry.load().names());
    }
}
