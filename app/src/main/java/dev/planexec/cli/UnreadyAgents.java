package dev.planexec.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRegistry;
import java.util.Set;

/**
 * For {@code validate}: the plan is valid whatever the agents' state, but an agent that is not ready here is named
 * now, a line each, since its tasks would fail when run. A class of its own so that {@code validate} of a plan that
 * needs no agent loads none of the agent classes (the JVM loads the types a method names when it checks the method).
 */
final class UnreadyAgents {
    private UnreadyAgents() {}

    static void notice(CliContext context, Set<String> agents) {
        AgentRegistry registry = AgentRegistry.load();
        AgentEnvironment environment = new AgentEnvironment(context.stateDir().root(), context.env(), null);
        for (String name : agents) {
            registry.find(name)
                    .map(p -> p.status(environment))
                    .filter(status -> !status.ready())
                    .ifPresent(status -> context.out()
                            .println("notice: " + name + " agent not ready, its tasks would fail: " + status.detail()));
        }
    }
}
