package dev.planexec.cli;

import dev.planexec.recovery.RecoveryAction;
import java.util.Optional;

/** {@code --on-orphans}: ask, or one action for every orphaned task. */
record OrphanPolicy(Optional<RecoveryAction> action) {

    static OrphanPolicy parse(String value) {
        if ("ask".equalsIgnoreCase(value)) {
            return new OrphanPolicy(Optional.empty());
        }
        return RecoveryAction.fromOption(value)
                .map(a -> new OrphanPolicy(Optional.of(a)))
                .orElseThrow(() -> PlanexecException.invalidInput(
                        "--on-orphans: unknown choice \"" + value + "\" (expected ask, resume, fresh or clean)"));
    }

    boolean ask() {
        return action.isEmpty();
    }
}
