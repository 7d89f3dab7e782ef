// Exact text exposition output of the Prometheus registry.
#include "metrics/prometheus.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

namespace plume::metrics {
namespace {

TEST(PrometheusTest, CountersGaugesAndLabelsInExactTextFormat) {
  Registry r;
  auto& requests = r.AddCounter("plume_http_requests_total", "HTTP requests by route and status.",
                                {"route", "status"});
  requests.WithLabels({"/api/messages", "200"}).Increment();
  requests.WithLabels({"/api/messages", "200"}).Increment(2);
  requests.WithLabels({"/api/health", "200"}).Increment();
  auto& queue = r.AddGauge("plume_outbox_queue_size", "Replies waiting to be sent.");
  queue.Get().Set(3);
  queue.Get().Add(-0.5);
  r.AddCounter("plume_llm_errors_total", "LLM errors.", {"engine"});  // no child yet

  EXPECT_EQ(r.Expose(),
            "# HELP plume_http_requests_total HTTP requests by route and status.\n"
            "# TYPE plume_http_requests_total counter\n"
            "plume_http_requests_total{route=\"/api/health\",status=\"200\"} 1\n"
            "plume_http_requests_total{route=\"/api/messages\",status=\"200\"} 3\n"
            "# HELP plume_llm_errors_total LLM errors.\n"
            "# TYPE plume_llm_errors_total counter\n"
            "# HELP plume_outbox_queue_size Replies waiting to be sent.\n"
            "# TYPE plume_outbox_queue_size gauge\n"
            "plume_outbox_queue_size 2.5\n");
}

TEST(PrometheusTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.AddHistogram("plume_draft_latency_seconds", "Draft latency by engine.", {"engine"},
                           {0.1, 0.5, 2});
  auto& embedded = h.WithLabels({"embedded"});
  embedded.Observe(0.05);
  embedded.Observe(0.1);  // le is inclusive
  embedded.Observe(0.3);
  embedded.Observe(7);
  EXPECT_EQ(r.Expose(),
            "# HELP plume_draft_latency_seconds Draft latency by engine.\n"
            "# TYPE plume_draft_latency_seconds histogram\n"
            "plume_draft_latency_seconds_bucket{engine=\"embedded\",le=\"0.1\"} 2\n"
            "plume_draft_latency_seconds_bucket{engine=\"embedded\",le=\"0.5\"} 3\n"
            "plume_draft_latency_seconds_bucket{engine=\"embedded\",le=\"2\"} 3\n"
            "plume_draft_latency_seconds_bucket{engine=\"embedded\",le=\"+Inf\"} 4\n"
            "plume_draft_latency_seconds_sum{engine=\"embedded\"} 7.45\n"
            "plume_draft_latency_seconds_count{engine=\"embedded\"} 4\n");
}

TEST(PrometheusTest, HistogramWithoutLabels) {
  Registry r;
  r.AddHistogram("h", "x", {}, {1}).Get().Observe(2);
  EXPECT_EQ(r.Expose(),
            "# HELP h x\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n");
}

TEST(PrometheusTest, EscapesLabelValuesAndHelp) {
  Registry r;
  r.AddCounter("c_total", "line1\nback\\slash \"quoted\"", {"v"})
      .WithLabels({"a\"b\\c\nd é"})
      .Increment();
  EXPECT_EQ(r.Expose(),
            "# HELP c_total line1\\nback\\\\slash \"quoted\"\n"
            "# TYPE c_total counter\n"
            "c_total{v=\"a\\\"b\\\\c\\nd é\"} 1\n");
}

TEST(PrometheusTest, FormatsSpecialValues) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(1234567), "1234567");
  EXPECT_EQ(FormatValue(0.005), "0.005");
}

TEST(PrometheusTest, ScrapeHookRunsBeforeExposition) {
  Registry r;
  auto& g = r.AddGauge("plume_queue_size", "Queue size.", {"queue"});
  int calls = 0;
  r.AddScrapeHook([&] {
    ++calls;
    g.WithLabels({"outbox"}).Set(calls * 10);
  });
  r.Expose();
  EXPECT_NE(r.Expose().find("plume_queue_size{queue=\"outbox\"} 20\n"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(PrometheusTest, ConcurrentUpdatesAreNotLost) {
  Registry r;
  auto& c = r.AddCounter("n_total", "n", {"t"});
  auto& h = r.AddHistogram("lat", "l", {"t"}, DefaultLatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        c.WithLabels({t % 2 == 0 ? "even" : "odd"}).Increment();
        h.WithLabels({"all"}).Observe(0.001);
        if (i % 1000 == 0) (void)r.Expose();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(c.WithLabels({"even"}).Value(), 10000);
  EXPECT_EQ(c.WithLabels({"odd"}).Value(), 10000);
  EXPECT_EQ(h.WithLabels({"all"}).Read().count, 20000u);
  EXPECT_EQ(h.WithLabels({"all"}).Read().cumulative_counts.front(), 20000u);
}

}  // namespace
}  // namespace plume::metrics
