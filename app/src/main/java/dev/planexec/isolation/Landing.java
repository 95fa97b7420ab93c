package dev.planexec.isolation;

import java.util.List;

/** What landing a task's work came to. */
public sealed interface Landing {

    /**
     * The task's work is on the integration branch (or there is no isolation and nothing to land).
     *
     * @param mergeCommit the integration branch's commit holding it, or {@code null} without isolation
     * @param stat what the task changed against where it started
     */
    record Landed(String mergeCommit, DiffStat stat) implements Landing {}

    /**
     * The merge conflicted and was aborted: the integration branch is as it was, the task's branch and worktree are
     * kept.
     */
    record Conflict(List<String> files, String worktree) implements Landing {
        public Conflict {
            files = List.copyOf(files);
        }

        /** One line for the task's error: the files and where the work is. */
        public String describe() {
            return "merging into the integration branch conflicts in " + String.join(", ", files)
                    + "; the task's work is kept in " + worktree;
        }
    }
}
