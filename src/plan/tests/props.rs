//! Property tests of the planner: random cascades on random sources plan without panic, and
//! every plan replays stage by stage to the size it announces.

use super::*;
use proptest::prelude::*;

fn any_mode() -> impl Strategy<Value = ResizeMode> {
    prop_oneof![
        Just(ResizeMode::Lfit),
        Just(ResizeMode::Mfit),
        Just(ResizeMode::Fill),
        Just(ResizeMode::Pad),
        Just(ResizeMode::Fixed),
    ]
}

fn any_gravity() -> impl Strategy<Value = Gravity> {
    prop_oneof![
        Just(Gravity::Nw),
        Just(Gravity::North),
        Just(Gravity::Ne),
        Just(Gravity::West),
        Just(Gravity::Center),
        Just(Gravity::East),
        Just(Gravity::Sw),
        Just(Gravity::South),
        Just(Gravity::Se),
    ]
}

fn side() -> impl Strategy<Value = Option<u32>> {
    prop::option::of(1u32..=16_384)
}

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (any_mode(), side(), side(), side(), side(), any::<bool>(), prop::option::of(1u32..=1000))
            .prop_map(|(mode, w, h, l, s, limit, p)| Action::Resize(Resize {
                mode,
                w,
                h,
                l,
                s,
                limit,
                p,
                ..rz()
            })),
        (
            any_gravity(),
            0u32..5000,
            0u32..5000,
            prop::option::of(0u32..5000),
            prop::option::of(0u32..5000)
        )
            .prop_map(|(g, x, y, w, h)| crop(g, x, y, w, h)),
        (prop::option::of(0u32..3000), prop::option::of(0u32..3000), 0u32..20)
            .prop_map(|(x, y, i)| Action::IndexCrop(IndexCrop { x, y, i })),
        (1u32..=4096).prop_map(|r| Action::Circle(Circle { r })),
        (1u32..=4096).prop_map(|r| Action::RoundedCorners(RoundedCorners { r })),
        (0u32..=360).prop_map(Action::Rotate),
        any::<bool>().prop_map(Action::AutoOrient),
    ]
}

proptest! {
    /// Any cascade on any source either fails with an OSS error or yields stages that replay
    /// exactly to the announced size with every rectangle inside its image.
    #[test]
    fn plans_are_consistent_or_fail_cleanly(
        w in 1u32..6000,
        h in 1u32..6000,
        orientation in 0u32..10,
        is_jpeg in any::<bool>(),
        actions in prop::collection::vec(any_action(), 0..5),
    ) {
        let src = SourceInfo {
            orientation,
            ..source(if is_jpeg { Format::Jpg } else { Format::Png }, w, h)
        };
        match plan(&spec(actions), &src) {
            Ok(Plan::Image(p)) => {
                simulate(&p, &src);
            }
            Ok(other) => prop_assert!(false, "unexpected {:?}", other),
            Err(e) => prop_assert!(
                matches!(e.kind, ErrorKind::InvalidArgument | ErrorKind::BadRequest | ErrorKind::MissingArgument),
                "unexpected error {:?}", e
            ),
        }
    }
}
