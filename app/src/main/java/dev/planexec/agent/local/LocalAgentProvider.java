package dev.planexec.agent.local;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The embedded agent: runs a task's shell steps. Needs nothing installed but {@code sh}. */
public final class LocalAgentProvider implements AgentProvider {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AgentRuntime open(AgentEnvironment environment) {
        return new LocalRuntime(environment.stateDir().resolve("sessions"));
    }

    /** The session's event log rendered by {@link LocalTranscript}: every run of it, not only this one. */
    @Override
    public Optional<List<String>> transcript(AgentEnvironment environment, String sessionId) throws IOException {
        Path dir = new LocalRuntime(environment.stateDir().resolve("sessions")).folderOf(sessionId);
        if (!Files.isRegularFile(dir.resolve(SessionLog.FILE), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(LocalTranscript.render(SessionLog.read(dir)));
    }
}
