package dev.planexec.recovery;

import java.util.Set;

/**
 * What recovery decided for the run that follows.
 *
 * @param resume tasks to continue in their sessions
 * @param held tasks cleaned up, which wait as pending until the user starts them
 */
public record RecoveryResult(Set<String> resume, Set<String> held) {

    public static final RecoveryResult NONE = new RecoveryResult(Set.of(), Set.of());

    public RecoveryResult {
        resume = Set.copyOf(resume);
        held = Set.copyOf(held);
    }
}
