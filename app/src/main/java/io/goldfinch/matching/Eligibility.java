package io.goldfinch.matching;

import io.goldfinch.quality.WorkerAccuracy;

import java.util.Optional;
import java.util.Set;

/** Whether a worker may take tasks from a job; the reason when not. Plain rules, no I/O. */
public final class Eligibility {

    /** Gold answers before the minimum-accuracy rule applies: a newcomer gets a fair trial first. */
    public static final int PROBATION_GOLDS = 5;

    private Eligibility() {
    }

    public record Worker(boolean blocked, Set<String> skills, long goldAnswered, long goldCorrect) {
    }

    public record Requirements(double minAccuracy, Set<String> requiredSkills, Integer maxTasks, Integer maxTasksPerDay) {
    }

    /** Tasks the worker already holds or did in this job: in all, and in the last 24 hours. */
    public record Usage(long tasksInJob, long tasksInJobToday) {
    }

    public static Optional<String> check(Worker worker, Requirements job, Usage usage) {
        if (worker.blocked()) {
            return Optional.of("blocked");
        }
        if (!worker.skills().containsAll(job.requiredSkills())) {
            return Optional.of("missing skills");
        }
        if (job.minAccuracy() > 0 && worker.goldAnswered() >= PROBATION_GOLDS
                && WorkerAccuracy.estimate(worker.goldCorrect(), worker.goldAnswered()) < job.minAccuracy()) {
            return Optional.of("accuracy below the job's minimum");
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
