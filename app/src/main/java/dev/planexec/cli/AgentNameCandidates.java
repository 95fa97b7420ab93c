package dev.planexec.cli;

import dev.planexec.agent.AgentRegistry;
import java.util.Iterator;

/** The values {@code --agent} accepts, for help and validation. */
final class AgentNameCandidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return AgentRegistry.NAMES.iterator();
    }
}
