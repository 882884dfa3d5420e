//! A CodeBuild action with BatchEnabled names a batch (CodePipeline User
//! Guide, "AWS CodeBuild build and test action reference"): the first
//! BatchGetBuildBatches answer starts the batch poll and follows the running
//! group's build; j/k and Enter in the phases pane choose another group.

use crossterm::event::KeyCode;

use super::test_input::{code, key};
use super::*;
use crate::model::Pane;
use crate::model::batch::samples::{self as batches, BATCH_ID};
use crate::model::samples;

fn model_on_batch() -> (Model, Vec<Effect>) {
    let mut m = Model::new(Default::default(), Default::default(), Some("mlops-demo".into()), samples::now());
    let mut state = samples::pipeline(Status::InProgress);
    state.stages[1].actions[0].external_id = Some(BATCH_ID.into());
    let fx = update(&mut m, Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(state) });
    (m, fx)
}

#[test]
fn the_first_batch_answer_polls_the_batch_and_follows_its_running_group() {
    let (mut m, fx) = model_on_batch();
    assert_eq!(fx, vec![Effect::WatchBuild(BATCH_ID.into())], "BatchGetBuilds is asked first");
    let fx = update(&mut m, Msg::Batch { id: BATCH_ID.into(), result: Ok(batches::running()) });
    assert_eq!(fx, vec![Effect::WatchBatch(Some(BATCH_ID.into())), Effect::WatchBuild("p:lint".into())]);
    assert_eq!(m.session.build.id.as_deref(), Some("p:lint"));
    // The same answer again changes nothing and asks for nothing.
    let fx = update(&mut m, Msg::Batch { id: BATCH_ID.into(), result: Ok(batches::running()) });
    assert!(fx.is_empty(), "{fx:?}");
    // An answer about another batch is not the followed one.
    let fx = update(&mut m, Msg::Batch { id: "other:batch".into(), result: Ok(batches::running()) });
    assert!(fx.is_empty() && m.session.build.batch.as_ref().is_some_and(|b| b.id == BATCH_ID));
}

#[test]
fn j_k_and_enter_in_the_phases_pane_choose_a_group() {
    let (mut m, _) = model_on_batch();
    update(&mut m, Msg::Batch { id: BATCH_ID.into(), result: Ok(batches::running()) });
    m.focus = Pane::Phases;
    assert!(update(&mut m, key('k')).is_empty(), "moving the cursor asks for nothing");
    assert_eq!(update(&mut m, code(KeyCode::Enter)), vec![Effect::WatchBuild("p:unit".into())]);
    assert_eq!(m.session.build.id.as_deref(), Some("p:unit"));
    // `package` has not started: no build to watch, nothing of `unit` stays.
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    assert!(update(&mut m, code(KeyCode::Enter)).is_empty());
    assert_eq!(m.session.build.id.as_deref(), Some(BATCH_ID));
    assert!(m.session.build.snapshot.is_none());
    // Enter on the chosen group again: back to the running one.
    assert_eq!(update(&mut m, code(KeyCode::Enter)), vec![Effect::WatchBuild("p:lint".into())]);
}

#[test]
fn another_action_drops_the_batch_and_its_poll() {
    let (mut m, _) = model_on_batch();
    update(&mut m, Msg::Batch { id: BATCH_ID.into(), result: Ok(batches::running()) });
    let fx = update(
        &mut m,
        Msg::PipelineState { pipeline: "mlops-demo".into(), result: Ok(samples::pipeline(Status::InProgress)) },
    );
    assert_eq!(fx, vec![Effect::WatchBatch(None), Effect::WatchBuild(samples::BUILD_ID.into())]);
    assert!(m.session.build.batch.is_none());
}

#[test]
fn a_finished_batch_needs_no_poll() {
    let (mut m, _) = model_on_batch();
    let mut done = batches::running();
    done.complete = true;
    done.groups[1].status = Some(Status::Succeeded);
    let fx = update(&mut m, Msg::Batch { id: BATCH_ID.into(), result: Ok(done) });
    assert_eq!(fx, vec![Effect::WatchBuild("p:lint".into())], "the last group that started is shown");
}
