// Package ivf is the approximate face-descriptor index for large
// collections: an inverted file (k-means coarse quantiser) whose entries
// are stored as scalar-quantised residuals.
//
// # How a search runs
//
// The query is compared with every list's centroid (Lists float dot
// products); the Probes nearest lists are scanned. Each entry is its
// residual from the list's centroid, per list and dimension lo + step·code
// with a 12-bit code. The scan reads only the codes' top 4 bits
// (vec.DotU4I8Batch: 64 bytes an entry, integer SIMD, the query's
// weights rounded to int8 per list), taking the low 8 bits at the list's
// mean; the k+64 best by that estimate are re-ranked with the whole
// 12-bit codes (error about 10⁻⁴ in distance), which picks the answer and
// its distances.
//
// # Why these parameters
//
// Measured with bench/identify on synthetic descriptors whose same-person
// and different-person distances match the face engine's (BENCHMARKS.md,
// "Search index (identify at 1,000,000 faces)"):
//
//   - Descriptors are not clustered the way k-means likes: a face's noise
//     (about 0.3 in norm) is as large as the spread of persons around the
//     common mean, so a query's true nearest often lies in a list whose
//     centroid is not among the nearest few. Top-1 agreement with the
//     exact search reached 99% at 1,000,000 faces only when a fifth of the
//     lists were probed (96% at a tenth, 99.3% at a quarter). The 4-bit
//     scan made a quarter cheaper than a fifth was with 8-bit codes;
//     hence Probes = Lists/4.
//   - Lists ≈ 2·√n (2,000 at 1,000,000, 500 entries a list) keeps the
//     coarse step (about 20 µs) small next to the scan and k-means within
//     the build budget: training costs Iterations · 64 · Lists² · dim and
//     assignment n · Lists · dim multiply-adds, about 40 s of CPU at
//     1,000,000 faces, half of that wall time on two free cores.
//   - 8 bits alone capped agreement at 98.5% even probing every list:
//     faces of one person sit so close to a query that the codes' error
//     (about 10⁻³) swaps the first two; 12 bits lifted it to 99.8%.
//   - The scan is bound by memory bandwidth (the codes of a quarter of the
//     lists are far larger than the caches), so it reads 4 bits a
//     dimension, not 8 or 12: half the bytes of an 8-bit scan. Its
//     estimate is coarse (error about 5·10⁻³ in squared distance), but
//     the entries it must not lose, faces of the query's own person,
//     stand well clear of the rest: with 2 extra candidates it lost the
//     12-bit nearest for 0.8% of queries, with 16 for none
//     (TestIndex_ScanKeepsNearest); 64 leave a wide margin at a cost of
//     about 20 µs.
//
// # Memory
//
// Per entry: dim/2 bytes of packed top 4 bits and dim of low 8 bits of
// the codes, a 4-byte ID (entries are stored by list, not in ID order)
// and a 4-byte squared norm of the decoded residual: 200 bytes for 128
// floats. Per list: the centroid, its squared norm, the lo and step
// vectors and the two mean-code vectors (20·dim + 4 bytes) and an offset.
// At 1,000,000 faces that is 205 bytes a face in all, what MemoryBytes
// reports. Until Build the Builder holds each added
// vector as half floats (2·dim bytes, not 4·dim); Build adds a float32
// training sample (64·Lists vectors) and a 4-byte list number a vector.
//
// # Determinism
//
// Several nodes build the same index independently, so the same vectors
// added in the same order give the same index, bit for bit: the k-means
// sample is drawn with a seed hashed from the data, work is split into
// fixed chunks whose results land in fixed places, sums are added in a
// fixed order (float64 for the centroids), ties go to the lower index,
// the float vec kernels round identically in assembly and in Go, and the
// scan's kernel sums integers, which are exact on any CPU.
//
// # Flat or ivf
//
// For small collections the flat index is exact, needs no training and is
// fast enough: it scans about 25 ns a face on a loaded 2-core machine, so
// about 2.5 ms at 100,000 faces, where ivf takes about 0.5 ms. Below about 50,000 faces the caller should use flat.
package ivf
