package dev.planexec.agent.cli;

import java.nio.file.Path;

/**
 * One run of a CLI, as its {@link CliAgent#arguments} needs it.
 *
 * @param sessionId the session to run in: planexec's chosen id, the id the CLI named, or for a backend that learns
 *     its id, {@code null} on the first run
 * @param resume whether the session already has a conversation to go on with
 * @param sessionFile for a CLI whose session is a file planexec chooses (Pi), that file; else {@code null}
 * @param model the model to ask for, or {@code null}
 */
public record Invocation(String prompt, String sessionId, boolean resume, Path sessionFile, String model) {}
