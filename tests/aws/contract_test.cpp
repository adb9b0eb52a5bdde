// The shared EventQueue and FlagStore contracts (tests/contracts/) against SqsEventQueue and
// SsmFlagStore on moto. Each fixture gets its own queue pair / parameter prefix.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "adapters/aws/sqs_event_queue.h"
#include "adapters/aws/ssm_flag_store.h"
#include "tests/aws/aws_fixtures.h"
#include "tests/aws/moto_server.h"
#include "tests/contracts/contract_support.h"
#include "tests/fakes/fake_clock.h"

namespace rpmw::contracts {

struct AwsContractEnv {
  fakes::FakeClock clock;
  fakes::SeededRandom random{7};
  adapters::aws::AwsJsonClient sqs{adapters::aws::sqs_service(), testing::shared_moto().endpoint(),
                                   testing::test_credentials()};
  adapters::aws::AwsJsonClient ssm{adapters::aws::ssm_service(), testing::shared_moto().endpoint(),
                                   testing::test_credentials()};
};

struct SqsBackend {
  using Env = AwsContractEnv;
  static constexpr QueueCaps caps{.fake_time = false,
                                  .exact_stats = false,
                                  .checked_receipts = false,
                                  .reports_duplicates = false,
                                  .keeps_retry_reason = false};

  static std::unique_ptr<core::EventQueue> make_queue(Env& env, QueueKnobs knobs = {}) {
    // The redrive policy enforces max_receives; dedup_window and poll_interval are SQS's own
    // (5 minutes, long polling).
    const auto queues = testing::create_fifo_with_dlq(env.sqs, testing::unique_name("contract"),
                                                      knobs.max_receives);
    adapters::aws::SqsEventQueueOptions options;
    options.queue_url = queues.queue_url;
    options.max_receives = knobs.max_receives;
    return std::make_unique<adapters::aws::SqsEventQueue>(env.sqs, env.clock, env.random, options);
  }
};

struct SsmBackend {
  using Env = AwsContractEnv;
  static std::unique_ptr<core::FlagStore> make_flags(Env& env) {
    return std::make_unique<adapters::aws::SsmFlagStore>(
        env.ssm, "/rpmw/" + testing::unique_name("contract") + "/flags/");
  }
};

}  // namespace rpmw::contracts

TYPE_TO_STRING_AS("sqs", rpmw::contracts::SqsBackend);
TYPE_TO_STRING_AS("ssm", rpmw::contracts::SsmBackend);

#define RPMW_QUEUE_CONTRACT_BACKENDS rpmw::contracts::SqsBackend
#include "tests/contracts/queue_contract.h"

#define RPMW_FLAG_CONTRACT_BACKENDS rpmw::contracts::SsmBackend
#include "tests/contracts/flag_contract.h"
