package dev.planexec.isolation;

import java.nio.file.Path;
import java.util.Optional;

/** Files changed and lines added and removed, as {@code git diff --shortstat} counts them. */
public record DiffStat(int files, int insertions, int deletions) {
    public static final DiffStat NONE = new DiffStat(0, 0, 0);

    /** Parses {@code " 3 files changed, 10 insertions(+), 2 deletions(-)"}; empty output is no change. */
    static DiffStat parse(String shortstat) {
        int files = 0;
        int insertions = 0;
        int deletions = 0;
        for (String part : shortstat.strip().split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int n = Integer.parseInt(p.substring(0, p.indexOf(' ')));
            if (p.contains("file")) {
                files = n;
            } else if (p.contains("insertion")) {
                insertions = n;
            } else if (p.contains("deletion")) {
                deletions = n;
            }
        }
        return new DiffStat(files, insertions, deletions);
    }

    /**
     * What the worktree at {@code worktree} holds against {@code startCommit}: its branch's commits and its tracked
     * files' edits not committed yet (a new file counts once it is added or committed). Empty when git cannot say
     * (the worktree is gone). Reads only.
     */
    public static Optional<DiffStat> ofWorktree(Path worktree, String startCommit) {
        Git.Result r = Git.forOwnWork().run(worktree, "diff", "--shortstat", startCommit);
        return r.ok() ? Optional.of(parse(r.out())) : Optional.empty();
    }

    public DiffStat plus(DiffStat other) {
        return new DiffStat(files + other.files, insertions + other.insertions, deletions + other.deletions);
    }

    @Override
    public String toString() {
        return files + (files == 1 ? " file" : " files") + ", +" + insertions + " -" + deletions;
    }
}
