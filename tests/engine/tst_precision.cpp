// SPDX-License-Identifier: GPL-3.0-or-later
// train.precision: autocast regions and the fp16 loss scale.
#include <QtTest>

#include "precision.h"

using namespace clwb::detail;

class TestPrecision : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bf16AutocastOnCpu()
    {
        torch::nn::Linear lin(8, 4);
        const auto x = torch::randn({2, 8});
        {
            AutocastGuard autocast("bf16", torch::kCPU);
            QCOMPARE(lin->forward(x).scalar_type(), torch::kBFloat16);
        }
        QCOMPARE(lin->forward(x).scalar_type(), torch::kFloat);  // restored on leaving
    }

    void fp32IsANoOp()
    {
        torch::nn::Linear lin(8, 4);
        AutocastGuard autocast("fp32", torch::kCPU);
        QCOMPARE(lin->forward(torch::randn({2, 8})).scalar_type(), torch::kFloat);
    }

    void lossScalerSkipsOverflowAndUnscales()
    {
        auto p = torch::ones({3}, torch::requires_grad());
        LossScaler scaler(true);
        const double s0 = scaler.currentScale();
        scaler.scale((p * 2).sum()).backward();
        QVERIFY(scaler.unscale({p}));
        QVERIFY(torch::allclose(p.grad(), torch::full({3}, 2.0)));  // the true gradient
        p.mutable_grad().fill_(std::numeric_limits<float>::infinity());
        QVERIFY(!scaler.unscale({p}));
        QCOMPARE(scaler.currentScale(), s0 / 2);
    }

    /// fp16 autocast with the loss scale fits a line on a GPU; skipped without CUDA.
    void fp16OnCudaLearns()
    {
        if (!torch::cuda::is_available()) QSKIP("no CUDA device");
        torch::manual_seed(0);
        torch::nn::Linear lin(4, 1);
        lin->to(torch::kCUDA);
        torch::optim::SGD opt(lin->parameters(), 0.1);
        LossScaler scaler(true);
        const auto x = torch::randn({64, 4}, torch::kCUDA);
        const auto y = x.sum(1, true);
        double last = 0;
        for (int i = 0; i < 200; ++i) {
            torch::Tensor loss;
            {
                AutocastGuard autocast("fp16", torch::kCUDA);
                auto out = lin->forward(x);
                QCOMPARE(out.scalar_type(), torch::kHalf);
                loss = torch::mse_loss(out.to(torch::kFloat), y);
            }
            opt.zero_grad();
            scaler.scale(loss).backward();
            if (scaler.unscale(lin->parameters())) opt.step();
            last = loss.item<double>();
        }
        QVERIFY2(last < 1e-2, qPrintable(QString::number(last)));
    }

    void disabledScalerLeavesTheLoss()
    {
        LossScaler scaler(false);
        const auto l = torch::tensor(3.0);
        QCOMPARE(scaler.scale(l).item<double>(), 3.0);
    }
};

QTEST_GUILESS_MAIN(TestPrecision)
#include "tst_precision.moc"
