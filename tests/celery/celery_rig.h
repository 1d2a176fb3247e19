// A Celery app with one task and one worker "w" consuming queue "q", in one
// line: the setup most Celery rules need. The task is defined before the
// worker starts, as a module is imported before the worker boots.
//
//   CeleryRig rig(FlakyTask(), {.app = {.task_acks_late = true}, .dlq = true});
//   auto id = rig.Apply();
//   rig.h.RunFor(absl::Minutes(1));
//   EXPECT_EQ(rig.app.Task(*id)->state, "FAILURE");
#ifndef WARREN_TESTS_CELERY_CELERY_RIG_H_
#define WARREN_TESTS_CELERY_CELERY_RIG_H_

#include <string>

#include "harness.h"
#include "warren/celery.h"

namespace warren::testing {

struct CeleryRigOptions {
  celery::AppConfig app;
  celery::Pool pool = celery::Pool::kPrefork;
  // "q" dead-letters through the default exchange to "dlq".
  bool dlq = false;
  SimulationOptions sim;
};

class CeleryRig {
 public:
  explicit CeleryRig(celery::TaskSpec task, CeleryRigOptions o = {})
      : h(o.sim), queues_declared_(DeclareQueues(o.dlq)), app(h.sim, WithBrokerQueues(o.app)),
        task_(task.name) {
    EXPECT_THAT(app.DefineTask(std::move(task)), IsOk());
    EXPECT_THAT(app.StartWorker({.name = "w", .pool = o.pool, .queues = {"q"}}), IsOk());
  }

  // apply_async of the rig's task, always to "q" (options.queue is ignored).
  absl::StatusOr<std::string> Apply(celery::ApplyOptions options = {}) {
    options.queue = "q";
    return app.ApplyAsync(task_, options);
  }

  BrokerHarness h;

 private:
  // The queues exist before the app connects, as in a deployment.
  bool DeclareQueues(bool dlq) {
    if (dlq) {
      h.DeclareQueueDeadLetteringTo("q", "dlq");
    } else {
      h.DeclareQueue("q");
    }
    return true;
  }
  bool queues_declared_;
  // The app's configuration lists the queues declared above.
  static celery::AppConfig WithBrokerQueues(celery::AppConfig app) {
    app.task_queues_from_broker = true;
    return app;
  }

 public:
  celery::CeleryApp app;

 private:
  std::string task_;
};

}  // namespace warren::testing

#endif  // WARREN_TESTS_CELERY_CELERY_RIG_H_
