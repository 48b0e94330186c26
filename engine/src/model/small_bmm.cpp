// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/small_bmm.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CLWB_SMALL_BMM_X86 1
#endif

namespace clwb::detail {
namespace {

constexpr int64_t kMaxProduct = 16384;  ///< M*K*N per item; above it BLAS per item is efficient

#ifdef CLWB_SMALL_BMM_X86
bool hasAvx2Fma()
{
    static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return yes;
}

/// C = A B for G row-major items: 4 rows x 8 columns of C per block, K fused multiply-adds into
/// four independent accumulators; column tails through masked loads and stores, row tails by
/// recomputing the block's last valid row (not stored twice).
__attribute__((target("avx2,fma"))) void gemmItemsAvx2(const float* a, const float* b, float* c,
                                                        int64_t G, int64_t M, int64_t K,
                                                        int64_t N)
{
    alignas(32) static const int32_t kMaskSource[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                        0,  0,  0,  0,  0,  0,  0,  0};
    for (int64_t g = 0; g < G; ++g) {
        const float* A = a + g * M * K;
        const float* B = b + g * K * N;
        float* C = c + g * M * N;
        for (int64_t i0 = 0; i0 < M; i0 += 4) {
            const int64_t rows = std::min<int64_t>(4, M - i0);
            const float* r0 = A + i0 * K;
            const float* r1 = A + (i0 + std::min<int64_t>(1, rows - 1)) * K;
            const float* r2 = A + (i0 + std::min<int64_t>(2, rows - 1)) * K;
            const float* r3 = A + (i0 + std::min<int64_t>(3, rows - 1)) * K;
            for (int64_t j = 0; j < N; j += 8) {
                const int64_t cols = std::min<int64_t>(8, N - j);
                const __m256i mask = _mm256_loadu_si256(
                    reinterpret_cast<const __m256i*>(kMaskSource + 8 - cols));
                __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
                __m256 c2 = _mm256_setzero_ps(), c3 = _mm256_setzero_ps();
                for (int64_t k = 0; k < K; ++k) {
                    const __m256 bv = _mm256_maskload_ps(B + k * N + j, mask);
                    c0 = _mm256_fmadd_ps(_mm256_set1_ps(r0[k]), bv, c0);
                    c1 = _mm256_fmadd_ps(_mm256_set1_ps(r1[k]), bv, c1);
                    c2 = _mm256_fmadd_ps(_mm256_set1_ps(r2[k]), bv, c2);
                    c3 = _mm256_fmadd_ps(_mm256_set1_ps(r3[k]), bv, c3);
                }
                float* out = C + i0 * N + j;
                _mm256_maskstore_ps(out, mask, c0);
                if (rows > 1) _mm256_maskstore_ps(out + N, mask, c1);
                if (rows > 2) _mm256_maskstore_ps(out + 2 * N, mask, c2);
                if (rows > 3) _mm256_maskstore_ps(out + 3 * N, mask, c3);
            }
        }
    }
}
#endif

/// a [G, M, K] x b [G, K, N] without autograd (both contiguous float32 on the CPU).
torch::Tensor itemProducts(const torch::Tensor& a, const torch::Tensor& b)
{
    auto c = torch::empty({a.size(0), a.size(1), b.size(2)}, a.options());
#ifdef CLWB_SMALL_BMM_X86
    gemmItemsAvx2(a.data_ptr<float>(), b.data_ptr<float>(), c.data_ptr<float>(), a.size(0),
                  a.size(1), a.size(2), b.size(2));
#endif
    return c;
}

struct SmallBmmFunction : torch::autograd::Function<SmallBmmFunction>
{
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                                 const torch::Tensor& b)
    {
        ctx->save_for_backward({a, b});
        return itemProducts(a.contiguous(), b.contiguous());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& a = saved[0];
        const auto& b = saved[1];
        const auto g = grads[0].contiguous();
        torch::Tensor ga, gb;  // dA = dC B^T, dB = A^T dC
        if (ctx->needs_input_grad(0)) ga = itemProducts(g, b.transpose(1, 2).contiguous());
        if (ctx->needs_input_grad(1)) gb = itemProducts(a.transpose(1, 2).contiguous(), g);
        return {ga, gb};
    }
};

}  // namespace

bool smallBmmFits(int64_t m, int64_t k, int64_t n, const torch::Tensor& x)
{
#ifdef CLWB_SMALL_BMM_X86
    // The backward's products (M x N x K, K x M x N) have the same size as the forward's.
    return hasAvx2Fma() && x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
           m * k * n <= kMaxProduct;
#else
    (void)m, (void)k, (void)n, (void)x;
    return false;
#endif
}

torch::Tensor smallBmm(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.dim() != 3 || b.dim() != 3 || b.scalar_type() != a.scalar_type() ||
        !b.device().is_cpu() || !smallBmmFits(a.size(1), a.size(2), b.size(2), a))
        return torch::bmm(a, b);  // torch::bmm also reports mismatched shapes
    return SmallBmmFunction::apply(a, b);
}

}  // namespace clwb::detail
