package io.goldfinch.matching;

import io.goldfinch.quality.WorkerAccuracy;

import java.util.Optional;
import java.util.Set;

/** Whether a worker may take tasks from a job; the reason when not. Plain rules, no I/O. */
public final class Eligibility {

    /** Gold answers before the minimum-accuracy rule applies, unless the job says otherwise: a newcomer gets a fair trial first. */
    public static final int PROBATION_GOLDS = 5;

    private Eligibility() {
    }

    public record Worker(boolean blocked, Set<String> skills, long goldAnswered, long goldCorrect) {
    }

    /**
     * {@code examSize} golds the worker must answer first (0: no exam), of which at least {@code examPassShare} right.
     * {@code minAccuracy} applies after {@code probationGolds} golds; {@code minMedianSeconds} (0: none) stops a worker
     * whose median time per task over his last {@code speedWindow} answers in the job is below it.
     */
    public record Requirements(double minAccuracy, Set<String> requiredSkills, Integer maxTasks, Integer maxTasksPerDay,
                               int examSize, double examPassShare, int probationGolds, double minMedianSeconds, int speedWindow) {
        public Requirements(double minAccuracy, Set<String> requiredSkills, Integer maxTasks, Integer maxTasksPerDay) {
            this(minAccuracy, requiredSkills, maxTasks, maxTasksPerDay, 0, 1, PROBATION_GOLDS, 0, 10);
        }

        public boolean hasSpeedLimit() {
            return minMedianSeconds > 0;
        }
    }

    /**
     * Tasks the worker already holds or did in this job (in all, and in the last 24 hours), and their exam so far: how
     * many of the exam's golds they answered and how many of those right; the median time of his last answers in the
     * job, over the job's speed window (NaN while he has fewer answers than that, or the job has no speed limit).
     */
    public record Usage(long tasksInJob, long tasksInJobToday, long examAnswered, long examCorrect, double recentMedianSeconds) {
        public Usage(long tasksInJob, long tasksInJobToday) {
            this(tasksInJob, tasksInJobToday, 0, 0, Double.NaN);
        }
    }

    /** The worker still has exam tasks to answer before the job's normal items open to them. */
    public static boolean inExam(Requirements job, Usage usage) {
        return job.examSize() > 0 && usage.examAnswered() < job.examSize();
    }

    /** Right answers needed to pass the exam. */
    public static long examPassMark(Requirements job) {
        return (long) Math.ceil(job.examSize() * job.examPassShare() - 1e-9);
    }

    public static Optional<String> check(Worker worker, Requirements job, Usage usage) {
        if (worker.blocked()) {
            return Optional.of("blocked");
        }
        if (!worker.skills().containsAll(job.requiredSkills())) {
            return Optional.of("missing skills");
        }
        if (job.minAccuracy() > 0 && worker.goldAnswered() >= job.probationGolds()
                && WorkerAccuracy.estimate(worker.goldCorrect(), worker.goldAnswered()) < job.minAccuracy()) {
            return Optional.of("accuracy below the job's minimum");
        }
        if (job.hasSpeedLimit() && usage.recentMedianSeconds() < job.minMedianSeconds()) { // false for NaN
            return Optional.of(String.format(java.util.Locale.ROOT, "answering faster than the job allows (median %.1f s over your last %d answers; the job asks for %.1f s)",
                    usage.recentMedianSeconds(), job.speedWindow(), job.minMedianSeconds()));
        }
        if (job.examSize() > 0 && usage.examAnswered() >= job.examSize() && usage.examCorrect() < examPassMark(job)) {
            return Optional.of("did not pass the job's exam");
        }
        if (job.maxTasks() != null && usage.tasksInJob() >= job.maxTasks()) {
            return Optional.of("task cap for this job reached");
        }
        if (job.maxTasksPerDay() != null && usage.tasksInJobToday() >= job.maxTasksPerDay()) {
            return Optional.of("daily task cap for this job reached");
        }
        return Optional.empty();
    }
}
