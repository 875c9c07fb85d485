;; The Random Cut Forest scorer's inner loops, in WebAssembly text. kernel-wasm.ts holds this
;; module assembled (base64): after an edit, run `node bench/rcf-kernel.mjs --write` from
;; packages/trainer (wabt's wat2wasm); test/randomcutforest/kernel.test.ts checks that the two agree.
;; kernel.ts lays a forest out in the memory this module imports.
;;
;; The arithmetic is the reference visitor's as forest.ts documents it, and the reference test
;; (test/randomcutforest/reference.ts) gives the same scores bit for bit: every double operation
;; below is the one the formulas name, on the same operands, in the same order. What is done to
;; make it fast changes no value:
;;   - comparisons are flag-setting instructions, not branches (V8 compiles JavaScript's
;;     `+(a > b)` to a branch, mispredicted half the time on random cuts);
;;   - eight rows walk down a tree in lock step, so their chains of dependent loads overlap;
;;   - a dimension in which a row lies inside a box lies inside every ancestor's box, and one in
;;     which it lies below (above) a box stays below (above) or enters the ancestor's; so the leaf's
;;     parent checks every dimension, both sides at once ([lo − x, (−hi) − (−x)] in two lanes),
;;     and keeps a list of the bounds the row lies beyond; each further ancestor checks only those.
;;     Lane 0 sums the distances below the box, lane 1 those above, each in dimension order
;;     (probabilityOfCut's minsum and maxsum), and the list ends empty exactly when p = 0;
;;   - the walk up goes in rounds over a group of up to 64 rows, three ancestors per row per
;;     round (a bound the row is not beyond at one ancestor it is not beyond higher up, so one
;;     pass over the list gives the three ancestors' sums; the leaf's parent and grandparent are
;;     done in the pass over every dimension), so that one row's chain of ancestors overlaps with
;;     the other rows'. An ancestor at or above the one where the row got inside its box gets
;;     p = 0, which leaves the score as it was (0·u + 1·s = s exactly); a row with one bound left
;;     follows it up in a loop of its own.
;;
;; Memory (byte offsets in globals, set by `layout`; little-endian f32 and f64):
;;   0–31     two lane masks: keep lane 0, keep lane 1
;;   node     16 bytes per node: left child (global index; a leaf: itself), cut dimension × 8,
;;            cut value (f32; a leaf: +Infinity, so that a row stays there), parent (a root's: the
;;            sentinel node after the last, whose box holds everything)
;;   depth    i32 per node
;;   seen     f64 per node: a leaf's score of its own point, (1 − m/(2M)) / (depth + log2(m + 1))
;;   box      8·dim bytes per node: for each dimension its lower bound and its negated upper bound
;;   range    f64 per node: the sum of the box's side lengths
;;   unseen   f64 1/(k + 1) at k = 0 … maxDepth, and 1 at k = −1, −2, −3 (the sentinel, above it)
;;   block    8·dim bytes per row: for each dimension its value and the value negated
;;   acc      f64 per row of the block: the sum of its normalised tree scores so far
;;   state    per row of a group of 64: leaf, node, depth, list length, two lists of the rows
;;            still rising (i32), score (f64), and its list of bounds (dim i32 byte offsets)
(module
  (import "rcf" "memory" (memory 1))
  (global $node (mut i32) (i32.const 0))
  (global $depth (mut i32) (i32.const 0))
  (global $seen (mut i32) (i32.const 0))
  (global $box (mut i32) (i32.const 0))
  (global $range (mut i32) (i32.const 0))
  (global $unseen (mut i32) (i32.const 0))
  (global $block (mut i32) (i32.const 0))
  (global $acc (mut i32) (i32.const 0))
  (global $dim (mut i32) (i32.const 0))
  (global $leaf (mut i32) (i32.const 0))
  (global $cur (mut i32) (i32.const 0))
  (global $level (mut i32) (i32.const 0))
  (global $len (mut i32) (i32.const 0))
  (global $act0 (mut i32) (i32.const 0))
  (global $act1 (mut i32) (i32.const 0))
  (global $score (mut i32) (i32.const 0))
  (global $lists (mut i32) (i32.const 0))
  (data (i32.const 0) "\ff\ff\ff\ff\ff\ff\ff\ff\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\ff\ff\ff\ff\ff\ff\ff\ff")

  ;; Where everything is ($state: 2304 + 256·dim bytes).
  (func (export "layout") (param $node i32) (param $depth i32) (param $seen i32) (param $box i32)
        (param $range i32) (param $unseen i32) (param $block i32) (param $acc i32) (param $state i32)
        (param $dim i32)
    (global.set $node (local.get $node))
    (global.set $depth (local.get $depth))
    (global.set $seen (local.get $seen))
    (global.set $box (local.get $box))
    (global.set $range (local.get $range))
    (global.set $unseen (local.get $unseen))
    (global.set $block (local.get $block))
    (global.set $acc (local.get $acc))
    (global.set $dim (local.get $dim))
    (global.set $leaf (local.get $state))
    (global.set $cur (i32.add (local.get $state) (i32.const 256)))
    (global.set $level (i32.add (local.get $state) (i32.const 512)))
    (global.set $len (i32.add (local.get $state) (i32.const 768)))
    (global.set $act0 (i32.add (local.get $state) (i32.const 1280)))
    (global.set $act1 (i32.add (local.get $state) (i32.const 1536)))
    (global.set $score (i32.add (local.get $state) (i32.const 1792)))
    (global.set $lists (i32.add (local.get $state) (i32.const 2304))))

  ;; Adds tree $root's normalised score (· $norm) of rows [0, $rows) of the block to acc. The rows
  ;; up to the next multiple of 8 must be valid too (they walk down with the others, and no further).
  (func (export "scoreTree") (param $root i32) (param $norm f64) (param $rows i32)
    (local $r i32) (local $stride i32) (local $base i32) (local $count i32) (local $i i32) (local $o i32)
    (local $g0 i32) (local $p0 i32) (local $g1 i32) (local $p1 i32) (local $g2 i32) (local $p2 i32) (local $g3 i32) (local $p3 i32) (local $g4 i32) (local $p4 i32) (local $g5 i32) (local $p5 i32) (local $g6 i32) (local $p6 i32) (local $g7 i32) (local $p7 i32)
    (local $g i32) (local $j i32) (local $d4 i32) (local $k i32) (local $n i32) (local $b i32)
    (local $na i32) (local $nb i32) (local $q i32) (local $from i32) (local $to i32) (local $tmp i32)
    (local $list i32) (local $w i32) (local $length i32) (local $a i32) (local $e i32)
    (local $sum f64) (local $p f64) (local $sc f64) (local $n2 i32) (local $b2 i32) (local $n3 i32) (local $b3 i32) (local $s3 v128) (local $x v128) (local $lane v128) (local $s2 v128) (local $t v128) (local $m v128) (local $s v128)
    (local.set $d4 (i32.shl (global.get $dim) (i32.const 2)))
    (local.set $stride (i32.shl (global.get $dim) (i32.const 3)))
    (block $end
      (loop $group
        (br_if $end (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $base (i32.add (global.get $block) (i32.mul (local.get $r) (local.get $stride))))
        (local.set $count (i32.sub (local.get $rows) (local.get $r)))
        (if (i32.gt_u (local.get $count) (i32.const 64)) (then (local.set $count (i32.const 64))))

        ;; Down: eight rows at a time, two levels per test (a row at its leaf stays there).
        (local.set $i (i32.const 0))
        (loop $eight
          (local.set $o (i32.add (local.get $base) (i32.mul (local.get $i) (local.get $stride))))
          (local.set $g0 (local.get $root)) (local.set $g1 (local.get $root)) (local.set $g2 (local.get $root)) (local.set $g3 (local.get $root)) (local.set $g4 (local.get $root)) (local.set $g5 (local.get $root)) (local.set $g6 (local.get $root)) (local.set $g7 (local.get $root))
          (loop $walk
          (local.set $p0 (i32.add (global.get $node) (i32.shl (local.get $g0) (i32.const 4))))
          (local.set $g0 (i32.add (i32.load (local.get $p0))
            (f32.gt (f32.load (i32.add (local.get $o) (i32.load offset=4 (local.get $p0)))) (f32.load offset=8 (local.get $p0)))))
          (local.set $p1 (i32.add (global.get $node) (i32.shl (local.get $g1) (i32.const 4))))
          (local.set $g1 (i32.add (i32.load (local.get $p1))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 1))) (i32.load offset=4 (local.get $p1)))) (f32.load offset=8 (local.get $p1)))))
          (local.set $p2 (i32.add (global.get $node) (i32.shl (local.get $g2) (i32.const 4))))
          (local.set $g2 (i32.add (i32.load (local.get $p2))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 2))) (i32.load offset=4 (local.get $p2)))) (f32.load offset=8 (local.get $p2)))))
          (local.set $p3 (i32.add (global.get $node) (i32.shl (local.get $g3) (i32.const 4))))
          (local.set $g3 (i32.add (i32.load (local.get $p3))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 3))) (i32.load offset=4 (local.get $p3)))) (f32.load offset=8 (local.get $p3)))))
          (local.set $p4 (i32.add (global.get $node) (i32.shl (local.get $g4) (i32.const 4))))
          (local.set $g4 (i32.add (i32.load (local.get $p4))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 4))) (i32.load offset=4 (local.get $p4)))) (f32.load offset=8 (local.get $p4)))))
          (local.set $p5 (i32.add (global.get $node) (i32.shl (local.get $g5) (i32.const 4))))
          (local.set $g5 (i32.add (i32.load (local.get $p5))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 5))) (i32.load offset=4 (local.get $p5)))) (f32.load offset=8 (local.get $p5)))))
          (local.set $p6 (i32.add (global.get $node) (i32.shl (local.get $g6) (i32.const 4))))
          (local.set $g6 (i32.add (i32.load (local.get $p6))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 6))) (i32.load offset=4 (local.get $p6)))) (f32.load offset=8 (local.get $p6)))))
          (local.set $p7 (i32.add (global.get $node) (i32.shl (local.get $g7) (i32.const 4))))
          (local.set $g7 (i32.add (i32.load (local.get $p7))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 7))) (i32.load offset=4 (local.get $p7)))) (f32.load offset=8 (local.get $p7)))))
          (local.set $p0 (i32.add (global.get $node) (i32.shl (local.get $g0) (i32.const 4))))
          (local.set $g0 (i32.add (i32.load (local.get $p0))
            (f32.gt (f32.load (i32.add (local.get $o) (i32.load offset=4 (local.get $p0)))) (f32.load offset=8 (local.get $p0)))))
          (local.set $p1 (i32.add (global.get $node) (i32.shl (local.get $g1) (i32.const 4))))
          (local.set $g1 (i32.add (i32.load (local.get $p1))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 1))) (i32.load offset=4 (local.get $p1)))) (f32.load offset=8 (local.get $p1)))))
          (local.set $p2 (i32.add (global.get $node) (i32.shl (local.get $g2) (i32.const 4))))
          (local.set $g2 (i32.add (i32.load (local.get $p2))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 2))) (i32.load offset=4 (local.get $p2)))) (f32.load offset=8 (local.get $p2)))))
          (local.set $p3 (i32.add (global.get $node) (i32.shl (local.get $g3) (i32.const 4))))
          (local.set $g3 (i32.add (i32.load (local.get $p3))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 3))) (i32.load offset=4 (local.get $p3)))) (f32.load offset=8 (local.get $p3)))))
          (local.set $p4 (i32.add (global.get $node) (i32.shl (local.get $g4) (i32.const 4))))
          (local.set $g4 (i32.add (i32.load (local.get $p4))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 4))) (i32.load offset=4 (local.get $p4)))) (f32.load offset=8 (local.get $p4)))))
          (local.set $p5 (i32.add (global.get $node) (i32.shl (local.get $g5) (i32.const 4))))
          (local.set $g5 (i32.add (i32.load (local.get $p5))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 5))) (i32.load offset=4 (local.get $p5)))) (f32.load offset=8 (local.get $p5)))))
          (local.set $p6 (i32.add (global.get $node) (i32.shl (local.get $g6) (i32.const 4))))
          (local.set $g6 (i32.add (i32.load (local.get $p6))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 6))) (i32.load offset=4 (local.get $p6)))) (f32.load offset=8 (local.get $p6)))))
          (local.set $p7 (i32.add (global.get $node) (i32.shl (local.get $g7) (i32.const 4))))
          (local.set $g7 (i32.add (i32.load (local.get $p7))
            (f32.gt (f32.load (i32.add (i32.add (local.get $o) (i32.mul (local.get $stride) (i32.const 7))) (i32.load offset=4 (local.get $p7)))) (f32.load offset=8 (local.get $p7)))))
            (br_if $walk (i32.eqz (i32.and (i32.and (i32.and (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g0) (i32.const 4)))) (local.get $g0)) (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g1) (i32.const 4)))) (local.get $g1))) (i32.and (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g2) (i32.const 4)))) (local.get $g2)) (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g3) (i32.const 4)))) (local.get $g3))))
                     (i32.and (i32.and (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g4) (i32.const 4)))) (local.get $g4)) (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g5) (i32.const 4)))) (local.get $g5))) (i32.and (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g6) (i32.const 4)))) (local.get $g6)) (i32.eq (i32.load (i32.add (global.get $node) (i32.shl (local.get $g7) (i32.const 4)))) (local.get $g7))))))))
        (i32.store offset=0 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g0))
        (i32.store offset=4 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g1))
        (i32.store offset=8 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g2))
        (i32.store offset=12 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g3))
        (i32.store offset=16 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g4))
        (i32.store offset=20 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g5))
        (i32.store offset=24 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g6))
        (i32.store offset=28 (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2))) (local.get $g7))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br_if $eight (i32.lt_u (local.get $i) (local.get $count))))

        ;; At the leaf: seen (the row equals the leaf's point, compared as float32) ends the walk
        ;; with the leaf's score; unseen starts at 1/(depth + 1), then the leaf's parent checks
        ;; every dimension, below and above, and the row joins the rounds if it lies outside.
        (local.set $na (i32.const 0))
        (local.set $i (i32.const 0))
        (loop $leaves
          (local.set $g (i32.load (i32.add (global.get $leaf) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $o (i32.add (local.get $base) (i32.mul (local.get $i) (local.get $stride))))
          (local.set $b (i32.add (global.get $box) (i32.mul (local.get $g) (local.get $stride))))
          (local.set $j (i32.const 0))
          (block $unseen
            (loop $eq
              (br_if $unseen (f32.ne (f32.load (i32.add (local.get $o) (local.get $j)))
                                     (f32.load (i32.add (local.get $b) (local.get $j)))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br_if $eq (i32.lt_u (local.get $j) (local.get $stride)))))
          (local.set $tmp (i32.add (global.get $score) (i32.shl (local.get $i) (i32.const 3))))
          (if (i32.eq (local.get $j) (local.get $stride))
            (then (f64.store (local.get $tmp) (f64.load (i32.add (global.get $seen) (i32.shl (local.get $g) (i32.const 3))))))
            (else
              ;; The leaf's parent and grandparent, as a pass of the rounds does (see there).
              (local.set $n (i32.load offset=12 (i32.add (global.get $node) (i32.shl (local.get $g) (i32.const 4)))))
              (local.set $n2 (i32.load offset=12 (i32.add (global.get $node) (i32.shl (local.get $n) (i32.const 4)))))
              (local.set $k (i32.sub (i32.load (i32.add (global.get $depth) (i32.shl (local.get $g) (i32.const 2)))) (i32.const 1)))
              (local.set $b (i32.add (global.get $box) (i32.mul (local.get $n) (local.get $stride))))
              (local.set $b2 (i32.add (global.get $box) (i32.mul (local.get $n2) (local.get $stride))))
              (local.set $list (i32.add (global.get $lists) (i32.mul (local.get $i) (local.get $d4))))
              (local.set $w (i32.const 0))
              (local.set $s (v128.const i64x2 0 0))
              (local.set $s2 (v128.const i64x2 0 0))
              (local.set $j (i32.const 0))
              (loop $all
                ;; [lo − x, (−hi) − (−x)]: the distance below the box in lane 0, above it in lane 1.
                (local.set $x (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $o) (local.get $j)))))
                (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b) (local.get $j)))) (local.get $x)))
                (local.set $s (f64x2.add (local.get $s) (v128.and (local.get $t) (f64x2.gt (local.get $t) (v128.const i64x2 0 0)))))
                (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $b2) (local.get $j)))) (local.get $x)))
                (local.set $m (f64x2.gt (local.get $t) (v128.const i64x2 0 0)))
                (local.set $s2 (f64x2.add (local.get $s2) (v128.and (local.get $t) (local.get $m))))
                (local.set $e (i64x2.bitmask (local.get $m)))
                (i32.store (i32.add (local.get $list) (i32.shl (local.get $w) (i32.const 2)))
                           (i32.add (local.get $j) (i32.shl (i32.shr_u (local.get $e) (i32.const 1)) (i32.const 2))))
                (local.set $w (i32.add (local.get $w) (i32.ne (local.get $e) (i32.const 0))))
                (local.set $j (i32.add (local.get $j) (i32.const 8)))
                (br_if $all (i32.lt_u (local.get $j) (local.get $stride))))
              (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
              (local.set $p (f64.div (local.get $sum)
                (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
              (local.set $sc (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                                      (f64.mul (f64.sub (f64.const 1) (local.get $p))
                                               (f64.load (i32.add (global.get $unseen) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 3)))))))
              (local.set $n (local.get $n2))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))
              (local.set $p (f64.div (local.get $sum)
                (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
              (f64.store (local.get $tmp)
                (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                         (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $sc))))
              (i32.store (i32.add (global.get $cur) (i32.shl (local.get $i) (i32.const 2))) (local.get $n))
              (i32.store (i32.add (global.get $level) (i32.shl (local.get $i) (i32.const 2))) (local.get $k))
              (i32.store (i32.add (global.get $len) (i32.shl (local.get $i) (i32.const 2))) (local.get $w))
              (i32.store (i32.add (global.get $act0) (i32.shl (local.get $na) (i32.const 2))) (local.get $i))
              (local.set $na (i32.add (local.get $na) (i32.ne (local.get $w) (i32.const 0))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $leaves (i32.lt_u (local.get $i) (local.get $count))))

        ;; Up, in rounds: each active row moves up three ancestors, whose boxes it checks in the entries
        ;; still outside the previous box (each against the bound it lies beyond: a row below a box
        ;; stays below or enters it going up, and one inside stays inside), and updates, ancestor
        ;; after ancestor, score = p·unseen(depth) + (1 − p)·score with p = Σ / (range + Σ).
        (local.set $from (global.get $act0))
        (local.set $to (global.get $act1))
        (block $risen
          (loop $round
            (br_if $risen (i32.eqz (local.get $na)))
            (local.set $nb (i32.const 0))
            (local.set $q (i32.const 0))
            (loop $rows
              (local.set $i (i32.load (i32.add (local.get $from) (i32.shl (local.get $q) (i32.const 2)))))
              (local.set $o (i32.add (local.get $base) (i32.mul (local.get $i) (local.get $stride))))
              (local.set $n (i32.load offset=12 (i32.add (global.get $node)
                (i32.shl (i32.load (i32.add (global.get $cur) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 4)))))
              (local.set $k (i32.sub (i32.load (i32.add (global.get $level) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 1)))
              (local.set $b (i32.add (global.get $box) (i32.mul (local.get $n) (local.get $stride))))
              ;; Three ancestors per pass: the node's parent, grandparent and great-grandparent. A bound
              ;; the row is not beyond at one it is not beyond higher up either, so all three sums see
              ;; the same entries; if the row is inside one's box (p = 0) it is inside those above
              ;; too, and p = 0 leaves the score as it was. The list keeps the third one's entries.
              (local.set $n2 (i32.load offset=12 (i32.add (global.get $node) (i32.shl (local.get $n) (i32.const 4)))))
              (local.set $b2 (i32.add (global.get $box) (i32.mul (local.get $n2) (local.get $stride))))
              (local.set $n3 (i32.load offset=12 (i32.add (global.get $node) (i32.shl (local.get $n2) (i32.const 4)))))
              (local.set $b3 (i32.add (global.get $box) (i32.mul (local.get $n3) (local.get $stride))))
              (local.set $length (i32.load (i32.add (global.get $len) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $list (i32.add (global.get $lists) (i32.mul (local.get $i) (local.get $d4))))
              (local.set $w (i32.const 0))
              (local.set $a (i32.const 0))
              (local.set $s (v128.const i64x2 0 0))
              (local.set $s2 (v128.const i64x2 0 0))
              (local.set $s3 (v128.const i64x2 0 0))
              (loop $outside
                ;; Entry e is a byte offset into both the box and the row: lo − x below the box,
                ;; (−hi) − (−x) = x − hi above it, in double from float32.
                (local.set $e (i32.load (i32.add (local.get $list) (i32.shl (local.get $a) (i32.const 2)))))
                (local.set $x (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $o) (local.get $e)))))
                (local.set $lane (v128.load (i32.shl (i32.and (local.get $e) (i32.const 4)) (i32.const 2))))
                (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $b) (local.get $e)))) (local.get $x)))
                ;; Lane 0 sums the distances below the box, lane 1 those above, each in dimension order.
                (local.set $s (f64x2.add (local.get $s)
                  (v128.and (v128.and (local.get $t) (f64x2.gt (local.get $t) (v128.const i64x2 0 0))) (local.get $lane))))
                (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $b2) (local.get $e)))) (local.get $x)))
                (local.set $s2 (f64x2.add (local.get $s2)
                  (v128.and (v128.and (local.get $t) (f64x2.gt (local.get $t) (v128.const i64x2 0 0))) (local.get $lane))))
                (local.set $t (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_splat (i32.add (local.get $b3) (local.get $e)))) (local.get $x)))
                (local.set $m (f64x2.gt (local.get $t) (v128.const i64x2 0 0)))
                (local.set $s3 (f64x2.add (local.get $s3) (v128.and (v128.and (local.get $t) (local.get $m)) (local.get $lane))))
                (i32.store (i32.add (local.get $list) (i32.shl (local.get $w) (i32.const 2))) (local.get $e))
                (local.set $w (i32.sub (local.get $w) (i32x4.extract_lane 0 (local.get $m))))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br_if $outside (i32.lt_u (local.get $a) (local.get $length))))
              (local.set $tmp (i32.add (global.get $score) (i32.shl (local.get $i) (i32.const 3))))
              (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
              (local.set $p (f64.div (local.get $sum)
                (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
              (local.set $sc (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                                      (f64.mul (f64.sub (f64.const 1) (local.get $p)) (f64.load (local.get $tmp)))))
              (local.set $n (local.get $n2))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))
              (local.set $p (f64.div (local.get $sum)
                (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
              (local.set $sc (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                                      (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $sc))))
              (local.set $n (local.get $n3))
              (local.set $k (i32.sub (local.get $k) (i32.const 1)))
              (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3))))
              (local.set $p (f64.div (local.get $sum)
                (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
              (f64.store (local.get $tmp)
                (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                         (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $sc))))
              ;; One bound left: follow it up in a loop of its own until the row is inside (the
              ;; sum is that one distance, the other lane adding +0).
              (if (i32.eq (local.get $w) (i32.const 1))
                (then
                  (local.set $e (i32.load (local.get $list)))
                  (local.set $sc (f64.load (local.get $tmp)))
                  (block $inside
                    (loop $one
                      (local.set $n (i32.load offset=12 (i32.add (global.get $node) (i32.shl (local.get $n) (i32.const 4)))))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (local.set $sum (f64.sub
                        (f64.promote_f32 (f32.load (i32.add (i32.add (global.get $box) (i32.mul (local.get $n) (local.get $stride))) (local.get $e))))
                        (f64.promote_f32 (f32.load (i32.add (local.get $o) (local.get $e))))))
                      (br_if $inside (i32.eqz (f64.gt (local.get $sum) (f64.const 0))))
                      (local.set $p (f64.div (local.get $sum)
                        (f64.add (f64.load (i32.add (global.get $range) (i32.shl (local.get $n) (i32.const 3)))) (local.get $sum))))
                      (local.set $sc (f64.add (f64.mul (local.get $p) (f64.load (i32.add (global.get $unseen) (i32.shl (local.get $k) (i32.const 3)))))
                                              (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $sc))))
                      (br $one)))
                  (f64.store (local.get $tmp) (local.get $sc))
                  (local.set $w (i32.const 0))))
              (i32.store (i32.add (global.get $cur) (i32.shl (local.get $i) (i32.const 2))) (local.get $n))
              (i32.store (i32.add (global.get $level) (i32.shl (local.get $i) (i32.const 2))) (local.get $k))
              (i32.store (i32.add (global.get $len) (i32.shl (local.get $i) (i32.const 2))) (local.get $w))
              ;; p = 0 (no entry outside): the row is inside this box and every box above it.
              (i32.store (i32.add (local.get $to) (i32.shl (local.get $nb) (i32.const 2))) (local.get $i))
              (local.set $nb (i32.add (local.get $nb) (i32.ne (local.get $w) (i32.const 0))))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br_if $rows (i32.lt_u (local.get $q) (local.get $na))))
            (local.set $tmp (local.get $from))
            (local.set $from (local.get $to))
            (local.set $to (local.get $tmp))
            (local.set $na (local.get $nb))
            (br $round)))

        (local.set $i (i32.const 0))
        (loop $add
          (local.set $tmp (i32.add (global.get $acc) (i32.shl (i32.add (local.get $r) (local.get $i)) (i32.const 3))))
          (f64.store (local.get $tmp)
            (f64.add (f64.load (local.get $tmp))
                     (f64.mul (f64.load (i32.add (global.get $score) (i32.shl (local.get $i) (i32.const 3)))) (local.get $norm))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $add (i32.lt_u (local.get $i) (local.get $count))))
        (local.set $r (i32.add (local.get $r) (local.get $count)))
        (br $group))))
)
